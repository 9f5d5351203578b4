//! Passive outlier detection, as Envoy does it (an Application Load
//! Balancer has none): the load balancer counts each target's server errors
//! in a row — 5xx answers, refused connections, and its own idle and
//! connection timeouts — and ejects a target that reaches
//! `consecutive_5xx` for `base_ejection` × the number of times it has been
//! ejected, at most `max_ejection` (or `base_ejection` if longer). It never ejects more than `max_ejection_percent` of the
//! registered targets at once, except that one may always be ejected.
//! Ejected targets return when their time is up, checked once a simulated
//! second (Envoy checks at its sweep interval, 10 s by default).

use super::Fleets;
use crate::log::Note;
use crate::world::World;

impl Fleets {
    /// The load balancer saw instance `i` answer, with a server error or not.
    #[inline]
    pub(super) fn observe_answer(&mut self, i: u32, server_error: bool, w: &mut World) {
        let s = self.instances[i as usize].service as usize;
        if w.params.services[s].outliers.enabled {
            self.count_answer(i, server_error, w);
        }
    }

    /// Outlier detection counts an answer: a 5xx in a row may eject.
    // Out of line natively: the check above is on every answer's path.
    #[cfg_attr(not(target_family = "wasm"), inline(never))]
    fn count_answer(&mut self, i: u32, server_error: bool, w: &mut World) {
        let inst = &mut self.instances[i as usize];
        let s = inst.service as usize;
        let od = w.params.services[s].outliers;
        if !server_error {
            inst.consecutive_5xx = 0;
            return;
        }
        inst.consecutive_5xx += 1;
        if inst.consecutive_5xx < od.consecutive_5xx || inst.ejected_until.is_some() {
            return;
        }
        let (mut registered, mut ejected) = (0u32, 0u32);
        for other in self.instances.iter().filter(|o| o.service as usize == s) {
            if other.lifecycle.registered() {
                registered += 1;
                ejected += other.ejected_until.is_some() as u32;
            }
        }
        let allowed = ejected == 0
            || 100.0 * (ejected + 1) as f64 <= od.max_ejection_percent * registered as f64;
        if !allowed {
            return;
        }
        let inst = &mut self.instances[i as usize];
        inst.ejections += 1;
        inst.consecutive_5xx = 0;
        let cap = od.max_ejection_ns.max(od.base_ejection_ns);
        let length = (od.base_ejection_ns * inst.ejections as u64).min(cap);
        inst.ejected_until = Some(w.now + length);
        w.note(Note::Ejected(inst.id, Some(length as f64 / 1e9)));
        self.unsettled.insert(s);
        self.settle(w);
    }

    /// Returns the targets whose ejection is over (all of them once outlier
    /// detection is switched off).
    pub(super) fn return_ejected(&mut self, w: &mut World) {
        let now = w.now;
        for inst in &mut self.instances {
            let Some(until) = inst.ejected_until else {
                continue;
            };
            if until <= now || !w.params.services[inst.service as usize].outliers.enabled {
                inst.ejected_until = None;
                w.note(Note::Ejected(inst.id, None));
                self.unsettled.insert(inst.service as usize);
            }
        }
    }
}
