//! Where things are on the topology diagram, in SVG user units. One place,
//! shared by the SVG nodes and the canvas that draws requests between them.
//!
//! Each service has a row: its load balancer and its group box, as tall as
//! the group's tiles need (one row of tiles for a small group, up to three,
//! then the tiles shrink), so the diagram spends its height on instances,
//! not on empty boxes.

use sahara_sim::{InstanceId, Snapshot};

pub const WIDTH: f64 = 1000.0;
pub const TOP: f64 = 20.0;
pub const CLIENTS_X: f64 = 70.0;
pub const LB_X: f64 = 300.0;
pub const GROUP_X: f64 = 380.0;
pub const GROUP_W: f64 = 400.0;
pub const DB_X: f64 = 900.0;
/// Tiles per row inside a group box, at least.
const TILE_COLS: usize = 8;
/// Room in a group box above its tiles (its title), beside and below them,
/// and at its foot (a line on changes made by others).
const TILE_TOP: f64 = 30.0;
const TILE_PAD: f64 = 8.0;
const FOOT: f64 = 12.0;
/// Space between a row and its group box, above and below.
const ROW_MARGIN: f64 = 12.0;
/// The least a row may be: a load balancer's diamond and its label.
const ROW_MIN: f64 = 120.0;
/// Height for tiles in the tallest group box (three rows of small tiles).
const TILES_MAX_H: f64 = 108.0;
/// The largest tile cell (tile plus gap).
const CELL_MAX: f64 = 50.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// One service's row: where it starts, how tall it is, how many tiles it
/// shows and the grid they sit on.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
struct Row {
    top: f64,
    height: f64,
    cols: usize,
    cell: f64,
}

/// The diagram's geometry for the groups as they are now.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Layout {
    rows: Vec<Row>,
}

impl Layout {
    /// The geometry for a snapshot's groups.
    pub fn of(snapshot: &Snapshot) -> Layout {
        Layout::for_groups(snapshot.services.iter().map(|s| s.instances.len()))
    }

    /// The geometry for groups of these many tiles, in order.
    pub fn for_groups(tiles: impl IntoIterator<Item = usize>) -> Layout {
        let mut top = TOP;
        let rows = tiles
            .into_iter()
            .map(|n| {
                let (cols, cell) = grid(n);
                let tile_rows = n.div_ceil(cols).max(1) as f64;
                let boxed = TILE_TOP + tile_rows * cell + TILE_PAD + FOOT;
                let row = Row {
                    top,
                    height: (boxed + 2.0 * ROW_MARGIN).max(ROW_MIN),
                    cols,
                    cell,
                };
                top += row.height;
                row
            })
            .collect();
        Layout { rows }
    }

    fn row(&self, service: usize) -> Row {
        self.rows.get(service).copied().unwrap_or_default()
    }

    /// Height of the whole diagram.
    pub fn height(&self) -> f64 {
        let rows: f64 = self.rows.iter().map(|r| r.height).sum();
        TOP * 2.0 + rows.max(ROW_MIN)
    }

    pub fn clients(&self) -> Point {
        Point {
            x: CLIENTS_X,
            y: self.height() / 2.0,
        }
    }

    pub fn database(&self) -> Point {
        Point {
            x: DB_X,
            y: self.height() / 2.0,
        }
    }

    pub fn balancer(&self, service: usize) -> Point {
        let r = self.row(service);
        Point {
            x: LB_X,
            y: r.top + r.height / 2.0,
        }
    }

    /// The group box of a service: x, y, width, height (empty for a
    /// service the groups no longer have, while its row is taken down).
    pub fn group_box(&self, service: usize) -> (f64, f64, f64, f64) {
        let r = self.row(service);
        (
            GROUP_X,
            r.top + ROW_MARGIN,
            GROUP_W,
            (r.height - 2.0 * ROW_MARGIN).max(0.0),
        )
    }

    /// Side of a service's instance tiles.
    pub fn tile_size(&self, service: usize) -> f64 {
        self.row(service).cell * 0.85
    }

    /// Top-left corner of the `k`-th tile of a service.
    pub fn tile(&self, service: usize, k: usize) -> Point {
        let r = self.row(service);
        let (x, y, _, _) = self.group_box(service);
        let cols = r.cols.max(1);
        Point {
            x: x + TILE_PAD + (k % cols) as f64 * r.cell,
            y: y + TILE_TOP + (k / cols) as f64 * r.cell,
        }
    }

    /// Centre of the tile of instance `id`, if the snapshot still shows it.
    pub fn instance_centre(
        &self,
        snapshot: &Snapshot,
        service: usize,
        id: InstanceId,
    ) -> Option<Point> {
        let k = snapshot
            .services
            .get(service)?
            .instances
            .iter()
            .position(|i| i.id == id)?;
        let p = self.tile(service, k);
        let half = self.tile_size(service) / 2.0;
        Some(Point {
            x: p.x + half,
            y: p.y + half,
        })
    }
}

/// Columns and cell side (tile plus gap) for `n` tiles: the number of
/// columns (at least `TILE_COLS`) that gives the largest tiles that fit
/// the tallest group box.
fn grid(n: usize) -> (usize, f64) {
    let w = GROUP_W - 2.0 * TILE_PAD;
    let cell = |cols: usize| {
        (w / cols as f64)
            .min(TILES_MAX_H / n.div_ceil(cols).max(1) as f64)
            .min(CELL_MAX)
    };
    let cols = (TILE_COLS..=n.max(TILE_COLS))
        .max_by(|a, b| cell(*a).total_cmp(&cell(*b)).then(b.cmp(a)))
        .unwrap_or(TILE_COLS);
    (cols, cell(cols))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_stay_inside_their_group_box() {
        for n in [1, 9, 10, 30, 60, 256] {
            let layout = Layout::for_groups([3, n, 2]);
            let (x, y, w, h) = layout.group_box(1);
            let size = layout.tile_size(1);
            for k in 0..n {
                let p = layout.tile(1, k);
                assert!(p.x >= x && p.x + size <= x + w, "n={n} k={k} x={}", p.x);
                assert!(
                    p.y >= y && p.y + size <= y + h - FOOT + 0.01,
                    "n={n} k={k} y={}",
                    p.y
                );
            }
        }
    }

    #[test]
    fn a_group_box_grows_with_its_tiles_up_to_three_rows() {
        let height = |n: usize| Layout::for_groups([n]).group_box(0).3;
        assert!(height(3) < height(20), "{} vs {}", height(3), height(20));
        let tallest = TILE_TOP + TILES_MAX_H + TILE_PAD + FOOT;
        for n in [24, 100, 400, 1000] {
            assert!(
                height(n) <= tallest + 1e-9,
                "n={n}: past three rows the tiles shrink"
            );
        }
        let rows = Layout::for_groups([2, 2, 2]);
        let (_, y1, _, h1) = rows.group_box(1);
        let (_, y2, _, _) = rows.group_box(2);
        assert!(y1 + h1 <= y2, "rows do not overlap");
    }
}
