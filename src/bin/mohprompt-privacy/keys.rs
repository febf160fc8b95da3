//! `keys`: placeholder.
use crate::failure::Failure;
use clap::Subcommand;
/// `keys`' subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {}
/// Runs `keys`.
pub fn run(_: &Command) -> Result<(), Failure> {
    Ok(())
}
