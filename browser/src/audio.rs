//! The notification chime, synthesised with WebAudio (no audio file to ship).

use std::cell::RefCell;

use web_sys::{AudioContext, AudioContextState, OscillatorType};

thread_local! {
    static CONTEXT: RefCell<Option<AudioContext>> = const { RefCell::new(None) };
}

fn context() -> Option<AudioContext> {
    CONTEXT.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = AudioContext::new().ok();
        }
        c.clone()
    })
}

/// Browsers only let audio start after a user gesture: call this from one (any
/// click or key press) so later chimes can play.
pub fn unlock() {
    if let Some(ctx) = context()
        && ctx.state() == AudioContextState::Suspended
    {
        let _ = ctx.resume();
    }
}

/// Two short rising tones at `volume` (0.0–1.0).
pub fn chime(volume: f32) {
    let Some(ctx) = context() else { return };
    if ctx.state() == AudioContextState::Suspended {
        let _ = ctx.resume();
    }
    let start = ctx.current_time();
    for (i, freq) in [660.0_f32, 990.0].into_iter().enumerate() {
        let t = start + 0.13 * i as f64;
        let (Ok(osc), Ok(gain)) = (ctx.create_oscillator(), ctx.create_gain()) else { return };
        osc.set_type(OscillatorType::Sine);
        osc.frequency().set_value(freq);
        let g = gain.gain();
        let _ = g.set_value_at_time(0.0001, t);
        let _ = g.exponential_ramp_to_value_at_time(volume.clamp(0.01, 1.0) * 0.4, t + 0.02);
        let _ = g.exponential_ramp_to_value_at_time(0.0001, t + 0.35);
        if osc.connect_with_audio_node(&gain).is_err() || gain.connect_with_audio_node(&ctx.destination()).is_err() {
            return;
        }
        let _ = osc.start_with_when(t);
        let _ = osc.stop_with_when(t + 0.4);
    }
}
