// Peer page for the banner-time benchmark: vanilla-cookieconsent v3 configured like
// policy/mohprompt.json (necessary read-only, preferences, statistics; Thai first).
// Texts are copied here rather than fetched from /policy.json, because a real
// cookieconsent integration would not make that extra request.
import * as CookieConsent from '/vendor/cookieconsent/cookieconsent.esm.js';

CookieConsent.run({
  // Headless Chromium sets navigator.webdriver; the default (true) would hide the banner.
  hideFromBots: false,
  guiOptions: {
    // A bottom bar with equal-weight buttons, like the module's banner.
    consentModal: { layout: 'bar inline', position: 'bottom', equalWeightButtons: true },
    preferencesModal: { layout: 'box', equalWeightButtons: true },
  },
  categories: {
    necessary: { enabled: true, readOnly: true },
    preferences: { autoClear: { cookies: [{ name: '_demo_prefs' }] } },
    statistics: { autoClear: { cookies: [{ name: '_demo_stats' }, { name: '_ga' }, { name: /^_ga_/ }] } },
  },
  language: {
    default: 'th',
    translations: {
      th: {
        consentModal: {
          title: 'เว็บไซต์นี้ใช้คุกกี้',
          description: 'หมอพร้อมใช้คุกกี้ที่จำเป็นเพื่อให้เว็บไซต์ทำงานได้ และขอความยินยอมก่อนใช้คุกกี้จดจำการตั้งค่าและคุกกี้สถิติการใช้งาน',
          acceptAllBtn: 'ยอมรับทั้งหมด',
          acceptNecessaryBtn: 'ปฏิเสธทั้งหมด',
          showPreferencesBtn: 'เลือกเอง',
        },
        preferencesModal: {
          title: 'ตั้งค่าคุกกี้',
          acceptAllBtn: 'ยอมรับทั้งหมด',
          acceptNecessaryBtn: 'ปฏิเสธทั้งหมด',
          savePreferencesBtn: 'บันทึกการตั้งค่า',
          closeIconLabel: 'ปิด',
          sections: [
            {
              title: 'คุกกี้ที่จำเป็น',
              description: 'ช่วยให้เว็บไซต์ทำงานได้ตามปกติ และจดจำการเลือกเรื่องคุกกี้ของคุณ คุกกี้กลุ่มนี้ไม่เก็บข้อมูลส่วนบุคคล และปิดไม่ได้',
              linkedCategory: 'necessary',
            },
            {
              title: 'คุกกี้จดจำการตั้งค่า',
              description: 'จดจำการตั้งค่าของคุณ เช่น ภาษาที่เลือกไว้ เพื่อให้ไม่ต้องตั้งค่าใหม่ทุกครั้งที่เข้าใช้ จะใช้ก็ต่อเมื่อคุณอนุญาตเท่านั้น',
              linkedCategory: 'preferences',
            },
            {
              title: 'คุกกี้สถิติการใช้งาน',
              description: 'นับจำนวนการเข้าชมและดูว่าหน้าใดมีผู้ใช้มาก เพื่อนำไปปรับปรุงบริการให้ดีขึ้น จะใช้ก็ต่อเมื่อคุณอนุญาตเท่านั้น',
              linkedCategory: 'statistics',
            },
          ],
        },
      },
    },
  },
});
