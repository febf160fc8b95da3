//! `open`: placeholder.
use crate::failure::Failure;
use clap::Parser;
/// `open`'s arguments.
#[derive(Debug, Parser)]
pub struct Args {}
/// Runs `open`.
pub fn run(_: &Args) -> Result<(), Failure> {
    Ok(())
}
