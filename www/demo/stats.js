// Demo analytics, gated on the "statistics" category: it must only ever run after consent.
// It leaves the three traces the tests look for: a cookie, a request and a run counter.

document.cookie = '_demo_stats=1; Path=/; SameSite=Lax';
fetch('/collect', { method: 'POST', keepalive: true }).catch(() => {
  // The demo endpoint being down must not break the page.
});
window.__demoStatsRuns = (window.__demoStatsRuns || 0) + 1;
