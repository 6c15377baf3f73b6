// AnklePump's session cues in the page: speech (the platform's
// speechSynthesis), a short tone at the start and end of each hold (WebAudio
// oscillator), a vibration at the end of a hold (navigator.vibrate where it
// exists), the screen kept awake (Wake Lock API) and "leave this page?"
// while a session runs. Installed once per page by src/ui/voice.rs, which
// then calls window.anklePumpCues.play(list, options).
(function () {
  if (window.anklePumpCues) return;
  const TONES = { holdstart: [880, 0.18], holdend: [523, 0.3] };
  const cues = {
    ctx: null,
    lock: null,
    awakeWanted: false,
    audio() {
      const AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) return null;
      if (!this.ctx) this.ctx = new AC();
      if (this.ctx.state === 'suspended' && this.ctx.resume) this.ctx.resume();
      return this.ctx;
    },
    tone(kind, volume) {
      const ctx = this.audio();
      const spec = TONES[kind];
      if (!ctx || !spec) return;
      const [freq, len] = spec;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = 'sine';
      osc.frequency.value = freq;
      const t = ctx.currentTime;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(Math.max(0.0002, 0.5 * volume), t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + len);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + len + 0.05);
    },
    say(text, volume) {
      if (!('speechSynthesis' in window) || typeof SpeechSynthesisUtterance === 'undefined') return;
      if (/^Stop/.test(text)) window.speechSynthesis.cancel();
      const u = new SpeechSynthesisUtterance(text);
      u.lang = 'en-GB';
      u.rate = 0.95;
      u.volume = volume;
      window.speechSynthesis.speak(u);
    },
    vibrate(ms) {
      if (typeof navigator.vibrate === 'function') navigator.vibrate(ms);
    },
    leaving(e) {
      e.preventDefault();
      e.returnValue = '';
    },
    async awake(on) {
      this.awakeWanted = on;
      if (on) window.addEventListener('beforeunload', this.leaving);
      else window.removeEventListener('beforeunload', this.leaving);
      try {
        if (on && !this.lock && navigator.wakeLock) {
          this.lock = await navigator.wakeLock.request('screen');
          this.lock.addEventListener('release', () => { this.lock = null; });
        } else if (!on && this.lock) {
          const l = this.lock;
          this.lock = null;
          await l.release();
        }
      } catch (_) { /* not allowed here (hidden page, no secure context): the session goes on */ }
    },
    play(list, opts) {
      const volume = Math.min(1, Math.max(0, (opts.volume ?? 80) / 100));
      for (const item of list) {
        if ('say' in item) { if (opts.voice) this.say(item.say, volume); }
        else if ('tone' in item) { if (opts.tones) this.tone(item.tone, volume); }
        else if ('vibrate' in item) this.vibrate(item.vibrate);
        else if ('awake' in item) this.awake(item.awake);
      }
    },
  };
  // A wake lock is dropped when the page is hidden; take it again on return.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && cues.awakeWanted) cues.awake(true);
  });
  window.anklePumpCues = cues;
})();
