//! Exponential and standard normal variates by the ziggurat method
//! (Marsaglia & Tsang, "The Ziggurat Method for Generating Random
//! Variables", J. Stat. Softw. 5(8), 2000; the layout of Doornik's 2005
//! improvement as rand_distr uses it). About 98 % of draws cost one 64-bit
//! random number, a table look-up, a multiply and a compare; only the rest
//! evaluate the density or fall into the tail, through `libm`.
//!
//! Why not the `rand_distr` crate: its density and tail maths go through
//! num-traits, which uses std's `exp`/`ln` whenever any crate in the build
//! enables num-traits' `std` feature, and std's results differ between the
//! native C library and wasm. Runs must be bit-identical on every target,
//! so the tables here are computed once with `libm` (portable to the bit)
//! and every other operation is IEEE-exact.

use std::sync::OnceLock;

/// Layers of each ziggurat.
const LAYERS: usize = 256;

/// One ziggurat: layer edges `x` (x[0] is the base strip's virtual width,
/// x[1] = r, x[256] = 0) and the density at them, `f`.
pub(crate) struct Ziggurat {
    x: [f64; LAYERS + 1],
    f: [f64; LAYERS + 1],
    /// Where the tail starts.
    r: f64,
}

impl Ziggurat {
    /// Builds the layers of area `v` under `pdf` from `r`, with `inverse`
    /// the inverse of `pdf` on [0, ∞).
    fn new(r: f64, v: f64, pdf: fn(f64) -> f64, inverse: fn(f64) -> f64) -> Ziggurat {
        let mut x = [0.0; LAYERS + 1];
        x[0] = v / pdf(r);
        x[1] = r;
        for i in 2..LAYERS {
            x[i] = inverse(v / x[i - 1] + pdf(x[i - 1]));
        }
        x[LAYERS] = 0.0;
        let mut f = [0.0; LAYERS + 1];
        for i in 0..=LAYERS {
            f[i] = pdf(x[i]);
        }
        Ziggurat { x, f, r }
    }

    /// The exponential distribution with mean 1 (r and v from Marsaglia &
    /// Tsang's 256-layer table).
    pub fn exponential() -> &'static Ziggurat {
        static Z: OnceLock<Ziggurat> = OnceLock::new();
        Z.get_or_init(|| {
            Ziggurat::new(
                7.697_117_470_131_05,
                0.003_949_659_822_581_557,
                |x| libm::exp(-x),
                |y| -libm::log(y),
            )
        })
    }

    /// The half of the standard normal on [0, ∞), unnormalised density
    /// e^(−x²/2).
    pub fn normal() -> &'static Ziggurat {
        static Z: OnceLock<Ziggurat> = OnceLock::new();
        Z.get_or_init(|| {
            Ziggurat::new(
                3.654_152_885_361_009,
                0.004_928_673_233_974_655,
                |x| libm::exp(-0.5 * x * x),
                |y| libm::sqrt(-2.0 * libm::log(y)),
            )
        })
    }

    /// One draw. `next` gives 64 random bits; `symmetric` draws a sign too
    /// (the normal); `tail` draws from beyond `r`, given two uniforms in (0, 1].
    #[inline]
    pub fn sample(
        &self,
        next: &mut impl FnMut() -> u64,
        symmetric: bool,
        pdf: fn(f64) -> f64,
        tail: fn(f64, &mut dyn FnMut() -> f64) -> f64,
    ) -> f64 {
        let (i, u, x) = self.point(next(), symmetric);
        if x.abs() < self.x[i + 1] {
            return x;
        }
        self.sample_edge(i, u, x, next, symmetric, pdf, tail)
    }

    /// The layer and the point in it that 64 random bits pick: the layer
    /// index `i`, `u` in [0, 1) (or [-1, 1)), and `x` = u · x[i].
    #[inline(always)]
    fn point(&self, bits: u64, symmetric: bool) -> (usize, f64, f64) {
        let i = (bits & 0xff) as usize;
        // 53 bits above the layer index: u in [0, 1), or [-1, 1).
        let u = (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
        let u = if symmetric { 2.0 * u - 1.0 } else { u };
        (i, u, u * self.x[i])
    }

    /// The rest of a draw whose point (`i`, `u`, `x`) fell outside the
    /// layer's inner rectangle: the tail, or the wedge under the density,
    /// or a new point.
    // Out of line natively, where `sample` is inlined.
    #[cfg_attr(not(target_family = "wasm"), cold, inline(never))]
    #[allow(clippy::too_many_arguments)]
    fn sample_edge(
        &self,
        mut i: usize,
        mut u: f64,
        mut x: f64,
        next: &mut dyn FnMut() -> u64,
        symmetric: bool,
        pdf: fn(f64) -> f64,
        tail: fn(f64, &mut dyn FnMut() -> f64) -> f64,
    ) -> f64 {
        loop {
            let mut uniform = || 1.0 - (next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
            if i == 0 {
                let t = tail(self.r, &mut uniform);
                return if u < 0.0 { -t } else { t };
            }
            let y = self.f[i + 1] + (self.f[i] - self.f[i + 1]) * (1.0 - uniform());
            if y < pdf(x) {
                return x;
            }
            (i, u, x) = self.point(next(), symmetric);
            if x.abs() < self.x[i + 1] {
                return x;
            }
        }
    }
}

/// Draws from the exponential's tail beyond `r`: memoryless, r − ln u.
pub(crate) fn exponential_tail(r: f64, uniform: &mut dyn FnMut() -> f64) -> f64 {
    r - libm::log(uniform())
}

/// Draws from the normal's tail beyond `r` (Marsaglia 1964): x = −ln(u₁)/r
/// and y = −ln(u₂) until 2y ≥ x², then r + x.
pub(crate) fn normal_tail(r: f64, uniform: &mut dyn FnMut() -> f64) -> f64 {
    loop {
        let x = -libm::log(uniform()) / r;
        let y = -libm::log(uniform());
        if 2.0 * y >= x * x {
            return r + x;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_has_the_same_area() {
        // Each rectangle (base strip included) has area v: x[i] · (f[i+1] − f[i])
        // for the layers, and the edges fall from x[0] > r to 0.
        for (z, v) in [
            (Ziggurat::exponential(), 0.003_949_659_822_581_557),
            (Ziggurat::normal(), 0.004_928_673_233_974_655),
        ] {
            assert!(z.x.windows(2).all(|w| w[0] > w[1]) && z.x.iter().all(|x| x.is_finite()));
            for i in 1..LAYERS - 1 {
                let area = z.x[i] * (z.f[i + 1] - z.f[i]);
                assert!((area - v).abs() < 1e-9, "layer {i}: {area}");
            }
            assert!((z.x[0] * z.f[1] - v).abs() < 1e-12);
        }
    }
}
