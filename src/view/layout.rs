//! Where things are on the topology diagram, in SVG user units. One place,
//! shared by the SVG nodes and the canvas that draws requests between them.

use sahara_sim::{InstanceId, ServiceView, Snapshot};

pub const WIDTH: f64 = 1000.0;
pub const ROW_H: f64 = 170.0;
pub const TOP: f64 = 20.0;
pub const CLIENTS_X: f64 = 70.0;
pub const LB_X: f64 = 300.0;
pub const GROUP_X: f64 = 380.0;
pub const GROUP_W: f64 = 400.0;
pub const DB_X: f64 = 900.0;
/// Tiles per row inside a group box.
pub const TILE_COLS: usize = 8;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Height of the whole diagram for `services` rows.
pub fn height(services: usize) -> f64 {
    TOP * 2.0 + ROW_H * services.max(1) as f64
}

/// Vertical centre of a service's row.
pub fn row_y(service: usize) -> f64 {
    TOP + ROW_H * (service as f64 + 0.5)
}

pub fn clients(services: usize) -> Point {
    Point {
        x: CLIENTS_X,
        y: height(services) / 2.0,
    }
}

pub fn database(services: usize) -> Point {
    Point {
        x: DB_X,
        y: height(services) / 2.0,
    }
}

pub fn balancer(service: usize) -> Point {
    Point {
        x: LB_X,
        y: row_y(service),
    }
}

/// The group box of a service: x, y, width, height.
pub fn group_box(service: usize) -> (f64, f64, f64, f64) {
    let y = row_y(service) - ROW_H / 2.0 + 12.0;
    (GROUP_X, y, GROUP_W, ROW_H - 24.0)
}

/// Room for tiles inside a group box: below its title, inside its border.
const TILE_PAD: f64 = 8.0;
const TILE_TOP: f64 = 30.0;

/// Columns and cell side (tile plus gap) for `n` tiles: the number of
/// columns (at least `TILE_COLS`) that gives the largest tiles that fit.
fn grid(n: usize) -> (usize, f64) {
    let (_, _, w, h) = group_box(0);
    let (w, h) = (w - 2.0 * TILE_PAD, h - TILE_TOP - TILE_PAD);
    let cell = |cols: usize| {
        (w / cols as f64)
            .min(h / n.div_ceil(cols).max(1) as f64)
            .min(50.0)
    };
    let cols = (TILE_COLS..=n.max(TILE_COLS))
        .max_by(|a, b| cell(*a).total_cmp(&cell(*b)).then(b.cmp(a)))
        .unwrap_or(TILE_COLS);
    (cols, cell(cols))
}

/// Side of an instance tile when a group shows `n` of them.
pub fn tile_size(n: usize) -> f64 {
    grid(n).1 * 0.85
}

/// Top-left corner of the `k`-th of `n` tiles of a service.
pub fn tile(service: usize, k: usize, n: usize) -> Point {
    let (cols, cell) = grid(n);
    let (x, y, _, _) = group_box(service);
    Point {
        x: x + TILE_PAD + (k % cols) as f64 * cell,
        y: y + TILE_TOP + (k / cols) as f64 * cell,
    }
}

/// Centre of the tile of instance `id`, if the snapshot still shows it.
pub fn instance_centre(snapshot: &Snapshot, service: usize, id: InstanceId) -> Option<Point> {
    let view: &ServiceView = snapshot.services.get(service)?;
    let n = view.instances.len();
    let k = view.instances.iter().position(|i| i.id == id)?;
    let p = tile(service, k, n);
    let half = tile_size(n) / 2.0;
    Some(Point {
        x: p.x + half,
        y: p.y + half,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_stay_inside_their_group_box() {
        for n in [1, 9, 10, 30, 60, 256] {
            let (x, y, w, h) = group_box(1);
            let size = tile_size(n);
            for k in 0..n {
                let p = tile(1, k, n);
                assert!(p.x >= x && p.x + size <= x + w, "n={n} k={k} x={}", p.x);
                assert!(
                    p.y >= y && p.y + size <= y + h + 0.01,
                    "n={n} k={k} y={}",
                    p.y
                );
            }
        }
    }
}
