// The module's banner is fixed to the bottom edge and does not block the page. To keep the end
// of the page (the footer's cookie-settings link) reachable and never hidden under it (WCAG 2.2
// 2.4.11 Focus Not Obscured), the page is padded by the banner's current height.
// Sets --demo-banner-height on <html> through CSSOM, which the strict CSP allows (unlike a
// style attribute); style.css turns it into padding and scroll padding.

const HEIGHT_VAR = '--demo-banner-height';

export function keepPageClearOfBanner() {
  const root = document.documentElement;
  // The padding follows on the next frame, not in the one that draws the banner: that frame
  // would otherwise lay out the whole page again for it, and the banner, fixed over the page,
  // needs no room to be seen.
  let frame = 0;
  const resize = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const height = entry.borderBoxSize?.[0]?.blockSize ?? entry.target.getBoundingClientRect().height;
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => root.style.setProperty(HEIGHT_VAR, `${Math.ceil(height)}px`));
    }
  });
  let watched = null;
  const follow = () => {
    const banner = document.querySelector('[data-privacy-banner]');
    if (banner === watched) return;
    if (watched) resize.unobserve(watched);
    watched = banner;
    if (banner) resize.observe(banner);
    else {
      cancelAnimationFrame(frame);
      root.style.removeProperty(HEIGHT_VAR);
    }
  };
  // The banner comes and goes (decision made, re-asked later): watch <body>'s children.
  new MutationObserver(follow).observe(document.body, { childList: true });
  follow();
}
