//! Availability zones, as EC2 Auto Scaling uses them: a group launches
//! each new instance in the zone where it has fewest (skipping a zone that
//! is down), scales in from the zone where it has most, and after a zone
//! comes back rebalances, launching in the emptiest zone and terminating
//! the oldest instance of the fullest, one pair a second, until no zone has
//! more than one instance more than another (AWS, "Rebalancing activities",
//! "Default termination policy"). A zone outage fails every instance in the
//! zone at once: the failure replication across instances cannot hide.

use super::instance::Instance;
use super::{Fleets, Lifecycle};
use crate::engine::{Event, Gen, Message};
use crate::failures::FailureProcess;
use crate::log::Note;
use crate::rng::Purpose;
use crate::world::World;

impl Fleets {
    /// The zone an instance in `slot` runs in.
    #[inline]
    pub fn zone_of(&self, slot: u32) -> u8 {
        self.instances[slot as usize].zone
    }

    /// Service `s`'s instances its group counts, per zone.
    fn per_zone(&self, s: usize, zones: u8) -> Vec<u32> {
        let mut counts = vec![0; zones as usize];
        for i in &self.instances {
            if i.service as usize == s && i.counted() && i.zone < zones {
                counts[i.zone as usize] += 1;
            }
        }
        counts
    }

    fn zone_is_up(&self, z: usize, now: u64) -> bool {
        self.zone_down_until[z] <= now
    }

    /// Where the next instance of service `s` goes: the zone that is up
    /// with fewest of its instances, the first such on a tie (any zone if
    /// all are down).
    pub(super) fn zone_for_launch(&self, s: usize, w: &World) -> u8 {
        let counts = self.per_zone(s, w.params.zones);
        let up = |z: &usize| self.zone_is_up(*z, w.now);
        let candidates: Vec<usize> = (0..counts.len()).filter(up).collect();
        let pool = if candidates.is_empty() {
            (0..counts.len()).collect()
        } else {
            candidates
        };
        pool.into_iter()
            .min_by_key(|&z| (counts[z], z))
            .unwrap_or(0) as u8
    }

    /// Among `candidates` (healthy slots of one service), the one to
    /// terminate first: the oldest in the zone with most instances.
    pub(super) fn scale_in_victim(&self, candidates: &[u32], zones: u8) -> Option<u32> {
        // A zone the deployment no longer spans counts as the fullest.
        let mut counts = vec![0u32; 256];
        for &k in candidates {
            let z = self.instances[k as usize].zone;
            counts[z as usize] += if z < zones { 1 } else { u16::MAX as u32 };
        }
        candidates.iter().copied().min_by_key(|&k| {
            let i = &self.instances[k as usize];
            (u32::MAX - counts[i.zone as usize], i.ordinal)
        })
    }

    /// Sets up the zones there are (keeping the state of those that stay)
    /// and (re)starts their random outages from now.
    pub fn restart_zones(&mut self, w: &mut World) {
        let n = w.params.zones as usize;
        self.zone_down_until.resize(n, 0);
        let seed = w.params.seed;
        while self.zone_failures.len() < n {
            let z = self.zone_failures.len() as u64;
            self.zone_failures
                .push(FailureProcess::new(seed, Purpose::Zones, "zone", z));
        }
        self.zone_failures.truncate(n);
        self.zone_gen.bump();
        if w.params.zone_mtbf_ns > 0.0 {
            for z in 0..n as u8 {
                self.schedule_zone_fault(z, w.now, w);
            }
        }
    }

    /// Whether a zone outage scheduled at `gen` still stands.
    pub fn zone_faults_current(&self, gen: Gen) -> bool {
        self.zone_gen == gen
    }

    /// Queues zone `z`'s next random outage, a random time after `from`.
    fn schedule_zone_fault(&mut self, z: u8, from: u64, w: &mut World) {
        let gap = self.zone_failures[z as usize].time_to_failure(w.params.zone_mtbf_ns);
        let gen = self.zone_gen;
        w.queue
            .push(from.saturating_add(gap), Event::ZoneFault { zone: z, gen });
    }

    /// Zone `z` fails at random: every instance in it, until a random
    /// repair time (returned); its next outage comes a random time after.
    pub fn on_zone_fault(&mut self, z: u8, w: &mut World) -> u64 {
        let repair = self.zone_failures[z as usize].time_to_repair(w.params.zone_mttr_ns);
        self.zone_outage(z, repair, w);
        self.schedule_zone_fault(z, w.now + repair, w);
        self.settle(w);
        repair
    }

    /// Zone `z` goes down until `until` (ns): groups launch nothing there.
    pub(super) fn zone_down(&mut self, z: u8, until: u64, w: &mut World) {
        self.zone_down_until[z as usize] = until;
        w.note(Note::ZoneDown {
            zone: z,
            seconds: (until != u64::MAX).then(|| (until - w.now) as f64 / 1e9),
        });
    }

    /// One step of rebalancing service `s` across the zones that are up:
    /// an instance left in a zone the deployment no longer spans moves
    /// first, then one from the fullest zone to the emptiest.
    pub(super) fn rebalance(&mut self, s: usize, w: &mut World, out: &mut Vec<Message>) {
        let zones = w.params.zones;
        let oldest = |fleets: &Fleets, wanted: &dyn Fn(&Instance) -> bool| {
            (0..fleets.instances.len() as u32)
                .filter(|&k| {
                    let i = &fleets.instances[k as usize];
                    i.service as usize == s && wanted(i)
                })
                .min_by_key(|&k| fleets.instances[k as usize].ordinal)
        };
        if let Some(k) = oldest(self, &|i| i.zone >= zones && i.counted()) {
            self.launch(s, false, w);
            self.drain(k, w, out);
            return;
        }
        if zones < 2 {
            return;
        }
        let counts = self.per_zone(s, zones);
        let up: Vec<usize> = (0..zones as usize)
            .filter(|&z| self.zone_is_up(z, w.now))
            .collect();
        let (Some(&least), Some(&most)) = (
            up.iter().min_by_key(|&&z| (counts[z], z)),
            up.iter().max_by_key(|&&z| (counts[z], usize::MAX - z)),
        ) else {
            return;
        };
        if counts[most] <= counts[least] + 1 {
            return;
        }
        let fullest = |i: &Instance| i.zone as usize == most && i.lifecycle == Lifecycle::InService;
        if let Some(k) = oldest(self, &fullest) {
            self.launch(s, false, w);
            self.drain(k, w, out);
        }
    }
}
