// Demo preferences script, gated on the "preferences" category: a cookie and a run counter.

document.cookie = '_demo_prefs=1; Path=/; SameSite=Lax';
window.__demoPrefsRuns = (window.__demoPrefsRuns || 0) + 1;
