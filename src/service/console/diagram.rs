//! A workflow definition drawn as a diagram for `/admin/alur-definisi`: steps top to bottom in
//! their order, the two end states below, and an arrow per answer — approval on the right,
//! refusal and send-back on the left — each in its own lane so no two arrows overlap. The
//! template turns this into SVG; no script runs in the browser.

use serde::Serialize;

use crate::workflow::{
    Approvers, Target, WorkflowDef,
    definition::{Span, Step},
};

/// A box.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    /// `langkah`, `setuju` (approved end) or `tolak` (refused end).
    pub jenis: &'static str,
    pub baris: Vec<String>,
}

/// An arrow.
#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    /// SVG path.
    pub d: String,
    /// `setuju`, `tolak`, `kembalikan`.
    pub jenis: &'static str,
    pub label: &'static str,
    pub lx: i32,
    pub ly: i32,
}

/// A workflow's diagram.
#[derive(Debug, Clone, Serialize)]
pub struct Diagram {
    pub id: String,
    pub judul: String,
    pub lebar: i32,
    pub tinggi: i32,
    pub simpul: Vec<Node>,
    pub panah: Vec<Edge>,
}

const X: i32 = 230;
const W: i32 = 330;
const H: i32 = 76;
const GAP: i32 = 44;
const TOP: i32 = 16;
const LANE: i32 = 14;

fn span(s: &Span) -> String {
    match s {
        Span::Days(n) => format!("{n} hari"),
        Span::Hours(n) => format!("{n} jam"),
    }
}

fn who(a: &Approvers) -> String {
    match a {
        Approvers::Peran(r) => r.clone(),
        Approvers::Orang(p) => format!("orang {p}"),
        Approvers::Rumus(_) => "menurut rumus".into(),
    }
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

fn lines(step: &Step) -> Vec<String> {
    let mut out = vec![
        cut(&step.judul, 46),
        format!("Penyetuju: {}", who(&step.penyetuju)),
    ];
    let mut timing = Vec::new();
    if let Some(t) = &step.tenggat {
        timing.push(format!("tenggat {}", span(t)));
    }
    if let Some(e) = &step.eskalasi {
        timing.push(format!("eskalasi {} → {}", span(&e.setelah), who(&e.ke)));
    }
    if !timing.is_empty() {
        out.push(cut(&timing.join(" · "), 52));
    }
    out
}

/// Lays out `def`.
pub fn diagram(def: &WorkflowDef) -> Diagram {
    let n = def.langkah.len() as i32;
    let y_of = |i: i32| TOP + i * (H + GAP);
    let mut simpul: Vec<Node> = def
        .langkah
        .iter()
        .enumerate()
        .map(|(i, s)| Node {
            x: X,
            y: y_of(i as i32),
            w: W,
            h: H,
            jenis: "langkah",
            baris: lines(s),
        })
        .collect();
    let end_y = y_of(n);
    // Approval arrives from the right, refusal from the left: each end sits on its side.
    let ends = [
        (X + W / 2 + 10, "setuju", "Selesai disetujui"),
        (X, "tolak", "Selesai ditolak"),
    ];
    for (x, jenis, label) in ends {
        simpul.push(Node {
            x,
            y: end_y,
            w: W / 2 - 10,
            h: 40,
            jenis,
            baris: vec![label.into()],
        });
    }
    let mut panah = Vec::new();
    let (mut right, mut left) = (0, 0);
    // Arrows into an end state each come down at their own place and height, so no two share
    // a segment.
    let mut into_end = [0i32; 2];
    for (i, s) in def.langkah.iter().enumerate() {
        let i = i as i32;
        let mid = y_of(i) + H / 2;
        for (target, jenis, label) in [
            (&s.jika_setuju, "setuju", "setuju"),
            (&s.jika_tolak, "tolak", "tolak"),
            (&s.jika_kembalikan, "kembalikan", "kembalikan"),
        ] {
            let (tx, ty, top_entry) = match target {
                Target::Step(k) => (X + W / 2, y_of(*k as i32) + H / 2, false),
                Target::Approved => (ends[0].0 + (W / 2 - 10) / 2, end_y, true),
                Target::Rejected => (ends[1].0 + (W / 2 - 10) / 2, end_y, true),
            };
            // Approval to the next step: straight down.
            if jenis == "setuju" && matches!(target, Target::Step(k) if *k as i32 == i + 1) {
                panah.push(Edge {
                    d: format!("M{} {} V{}", X + W / 2, y_of(i) + H, y_of(i + 1) - 2),
                    jenis,
                    label,
                    lx: X + W / 2 + 6,
                    ly: y_of(i) + H + GAP / 2 + 4,
                });
                continue;
            }
            let on_right = jenis == "setuju";
            let lane = if on_right {
                right += 1;
                X + W + 10 + right * LANE
            } else {
                left += 1;
                X - 10 - left * LANE
            };
            let start_x = if on_right { X + W } else { X };
            let off = match jenis {
                "setuju" => -12,
                "tolak" => 0,
                _ => 12,
            };
            let d = if top_entry {
                let end = usize::from(matches!(target, Target::Rejected));
                let k = into_end[end];
                into_end[end] += 1;
                let x = tx - (W / 2 - 10) / 2 + 12 + (k * 10) % (W / 2 - 30);
                format!(
                    "M{start_x} {} H{lane} V{} H{x} V{}",
                    mid + off,
                    ty - 8 - (k % 6) * 5,
                    ty - 2
                )
            } else {
                let edge_x = if on_right { X + W + 2 } else { X - 2 };
                format!("M{start_x} {} H{lane} V{ty} H{edge_x}", mid + off)
            };
            // Side arrows are told apart by colour (the legend under the diagram names them).
            panah.push(Edge {
                d,
                jenis,
                label: "",
                lx: 0,
                ly: 0,
            });
        }
    }
    Diagram {
        id: def.id.clone(),
        judul: def.judul.clone(),
        lebar: X + W + 30 + right * LANE + 20,
        tinggi: end_y + 60,
        simpul,
        panah,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_workflows_are_drawn_and_rendered() {
        let settings = crate::config::Settings::load_from(
            None,
            vec![(
                "MERIT_WORKFLOWS_DIR".to_owned(),
                concat!(env!("CARGO_MANIFEST_DIR"), "/workflows").to_owned(),
            )],
        )
        .expect("settings");
        let defs = crate::service::workflow::check(&settings).expect("shipped workflows");
        let diagrams: Vec<Diagram> = defs.values().map(diagram).collect();
        let first = &diagrams[0];
        assert_eq!(
            first.simpul.len(),
            defs.values().next().map_or(0, |d| d.langkah.len()) + 2
        );
        let page = crate::render::try_page(
            "admin/diagram.html",
            &serde_json::json!({ "diagram": diagrams }),
        )
        .expect("renders");
        assert!(page.contains("<svg class=\"diagram\""));
        assert!(page.contains("marker-end=\"url(#panah-setuju)\""));
    }
}
