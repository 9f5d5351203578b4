//! Fallacy 4, the network is secure: what an attacker who holds one node of
//! Sahara's deployment can reach. In a flat network, once inside the data
//! centre (authentication only happens at its entrance) every node talks to
//! every other; segmented (defence in depth), each node reaches only what
//! its job needs: a load balancer its own instances, an instance its own
//! group, its load balancer and the database, the database nothing.

use crate::selection::Selected;
use leptos::prelude::*;
use sahara_sim::Snapshot;

/// The breach the student staged, if any, and how the network is built.
#[derive(Clone, Copy)]
pub struct Security {
    pub compromised: RwSignal<Option<Selected>>,
    pub segmented: RwSignal<bool>,
}

impl Security {
    pub fn new() -> Security {
        Security {
            compromised: RwSignal::new(None),
            segmented: RwSignal::new(false),
        }
    }

    /// Whether the attacker on the compromised node can reach `node`.
    pub fn exposed(self, snap: &Snapshot, node: Selected) -> bool {
        match self.compromised.get() {
            Some(from) if from != node => reaches(snap, from, node, self.segmented.get()),
            _ => false,
        }
    }

    /// "From i-3 an attacker reaches 9 of 11 nodes", for the inspector.
    pub fn summary(self, snap: &Snapshot) -> Option<String> {
        let from = self.compromised.get()?;
        let nodes = nodes(snap);
        let reached = nodes
            .iter()
            .filter(|n| **n != from && reaches(snap, from, **n, self.segmented.get()))
            .count();
        Some(format!(
            "An attacker holding {} reaches {reached} of the other {} nodes{}.",
            name(snap, from),
            nodes.len() - 1,
            if self.segmented.get() {
                " in the segmented network"
            } else {
                " in a flat network"
            }
        ))
    }
}

/// Every node of the deployment, clients included.
fn nodes(snap: &Snapshot) -> Vec<Selected> {
    let mut all = vec![Selected::Clients, Selected::Database];
    for (s, svc) in snap.services.iter().enumerate() {
        all.push(Selected::Balancer(s));
        all.extend(
            svc.instances
                .iter()
                .filter(|i| i.state != sahara_sim::Lifecycle::Terminated)
                .map(|i| Selected::Instance(i.id)),
        );
    }
    all
}

/// The service an instance belongs to.
fn service_of(snap: &Snapshot, node: Selected) -> Option<usize> {
    match node {
        Selected::Balancer(s) => Some(s),
        Selected::Instance(id) => snap
            .services
            .iter()
            .position(|svc| svc.instances.iter().any(|i| i.id == id)),
        _ => None,
    }
}

fn reaches(snap: &Snapshot, from: Selected, to: Selected, segmented: bool) -> bool {
    use Selected::*;
    match (from, to) {
        // The public internet only ever reaches the load balancers.
        (Clients, Balancer(_)) => true,
        (Clients, _) | (_, Clients) => false,
        _ if !segmented => true,
        (Database, _) => false,
        (Balancer(_), Instance(_)) => service_of(snap, from) == service_of(snap, to),
        (Balancer(_), _) => false,
        (Instance(_), Database) => true,
        (Instance(_), Instance(_) | Balancer(_)) => service_of(snap, from) == service_of(snap, to),
    }
}

fn name(snap: &Snapshot, node: Selected) -> String {
    match node {
        Selected::Clients => "a client".into(),
        Selected::Database => "the database".into(),
        Selected::Balancer(s) => format!(
            "the {} load balancer",
            snap.services.get(s).map_or("?", |x| x.name.as_str())
        ),
        Selected::Instance(id) => format!("instance {id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot() -> Snapshot {
        let scenario = sahara_sim::presets::get("baseline").expect("baseline preset");
        sahara_sim::Simulation::new(scenario)
            .expect("valid")
            .snapshot()
    }

    #[test]
    fn flat_reaches_everything_inside_segmented_only_what_the_job_needs() {
        let snap = snapshot();
        let browse = snap.services[0].instances[0].id;
        let browse_peer = snap.services[0].instances[1].id;
        let cart = snap.services[1].instances[0].id;
        let from = Selected::Instance(browse);
        for (to, flat, segmented) in [
            (Selected::Instance(cart), true, false),
            (Selected::Instance(browse_peer), true, true),
            (Selected::Database, true, true),
            (Selected::Balancer(1), true, false),
            (Selected::Balancer(0), true, true),
            (Selected::Clients, false, false),
        ] {
            assert_eq!(reaches(&snap, from, to, false), flat, "flat {to:?}");
            assert_eq!(
                reaches(&snap, from, to, true),
                segmented,
                "segmented {to:?}"
            );
        }
        assert!(!reaches(
            &snap,
            Selected::Database,
            Selected::Instance(cart),
            true
        ));
        assert!(reaches(
            &snap,
            Selected::Clients,
            Selected::Balancer(2),
            true
        ));
        assert!(!reaches(
            &snap,
            Selected::Clients,
            Selected::Database,
            false
        ));
    }
}
