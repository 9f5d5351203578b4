//! A setting's range of values: how a slider's track maps to them (rates and
//! speeds span decades, so some tracks are logarithmic), how typed text is
//! checked against them, and the shortest readable form of a number.

use sahara_sim::scenario::parse_number;

/// How a slider maps its track to values. Rates and speeds span decades, so
/// a logarithmic track gives each decade the same room.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Scale {
    Linear,
    Log,
}

/// The range and units of a slider.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Range {
    pub min: f64,
    pub max: f64,
    pub step: f64,
    pub scale: Scale,
}

/// Positions along a slider's track, 0 to this.
pub const TRACK: f64 = 1000.0;

impl Range {
    pub const fn linear(min: f64, max: f64, step: f64) -> Range {
        Range {
            min,
            max,
            step,
            scale: Scale::Linear,
        }
    }
    pub const fn log(min: f64, max: f64, step: f64) -> Range {
        Range {
            min,
            max,
            step,
            scale: Scale::Log,
        }
    }

    /// Track position (0..=1000) of a value.
    pub fn track_of(self, v: f64) -> f64 {
        let v = v.clamp(self.min, self.max);
        match self.scale {
            Scale::Linear => (v - self.min) / (self.max - self.min) * TRACK,
            Scale::Log => libm::log(v / self.min) / libm::log(self.max / self.min) * TRACK,
        }
    }

    /// Value at a track position, snapped to the step.
    pub fn value_at(self, t: f64) -> f64 {
        let f = (t / TRACK).clamp(0.0, 1.0);
        let v = match self.scale {
            Scale::Linear => self.min + f * (self.max - self.min),
            Scale::Log => self.min * libm::pow(self.max / self.min, f),
        };
        self.snap(v)
    }

    fn snap(self, v: f64) -> f64 {
        ((v / self.step).round() * self.step).clamp(self.min, self.max)
    }

    /// Parses what a person typed: a number within range, or why not.
    pub fn parse(self, text: &str) -> Result<f64, String> {
        let v = parse_number(text).ok_or_else(|| format!("“{}” is not a number", text.trim()))?;
        if !v.is_finite() || v < self.min || v > self.max {
            return Err(format!(
                "must be between {} and {}",
                fmt(self.min),
                fmt(self.max)
            ));
        }
        if self.step.fract() == 0.0 && v.fract() != 0.0 {
            return Err("must be a whole number".into());
        }
        Ok(v)
    }
}

/// Shortest readable form of a value: no trailing zeros.
pub fn fmt(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}
