'use strict';
// Strings come only from the bundles in /static/i18n/; the language follows the browser (SPEC §5).
window.Vigil = window.Vigil || {};
(function (V) {
  const SUPPORTED = ['en', 'fr', 'ja'];
  let bundle = {};
  let fallback = {};

  V.language = function () {
    const wanted = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language]);
    for (const l of wanted) {
      const base = String(l || '').toLowerCase().split('-')[0];
      if (SUPPORTED.includes(base)) {
        return base;
      }
    }
    return 'en';
  };

  async function fetchBundle(lang) {
    const r = await fetch('/static/i18n/' + lang + '.json', {credentials: 'same-origin'});
    if (!r.ok) {
      throw new Error('bundle ' + lang + ': HTTP ' + r.status);
    }
    return r.json();
  }

  V.loadI18n = async function () {
    const lang = V.language();
    fallback = await fetchBundle('en');
    bundle = lang === 'en' ? fallback : await fetchBundle(lang).catch(() => fallback);
    document.documentElement.lang = lang;
    V.applyI18n(document);
  };

  /** The text for key, with {name} placeholders filled from params; a missing key shows itself. */
  V.t = function (key, params) {
    let s = bundle[key] !== undefined ? bundle[key] : fallback[key];
    if (s === undefined) {
      return key;
    }
    if (params) {
      s = s.replace(/\{(\w+)\}/g, (m, name) => (params[name] !== undefined ? String(params[name]) : m));
    }
    return s;
  };

  V.applyI18n = function (root) {
    root.querySelectorAll('[data-i18n]').forEach(el => { el.textContent = V.t(el.dataset.i18n); });
    root.querySelectorAll('[data-i18n-title]').forEach(el => { el.title = V.t(el.dataset.i18nTitle); });
  };
})(window.Vigil);
