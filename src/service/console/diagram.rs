//! A workflow definition drawn as a diagram for `/admin/alur-definisi`: steps top to bottom in
//! their order (whole titles wrapped, a conditional step's condition and a choice step's
//! options said in the box), the two end states below, and an arrow per answer — approval on
//! the right, refusal and send-back on the left — each in its own lane so no two arrows
//! overlap. Narrow enough to read on a phone held upright. The template turns this into SVG; no
//! script runs in the browser.

use serde::Serialize;

use crate::workflow::{
    Approvers, Target, WorkflowDef,
    definition::{Span, Step},
};

/// A box.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// The box's left edge, in SVG user units (px).
    pub x: i32,
    /// The box's top edge, in SVG user units (px).
    pub y: i32,
    /// The box's width, in px.
    pub w: i32,
    /// The box's height, in px (grows with the lines of text).
    pub h: i32,
    /// `langkah`, `setuju` (approved end) or `tolak` (refused end).
    pub jenis: &'static str,
    /// The text, line by line (whole words; nothing is cut).
    pub baris: Vec<String>,
    /// How many of the first lines are the title (drawn bold).
    pub tebal: usize,
    /// A step that runs only when its condition holds (`syarat`).
    pub bersyarat: bool,
    /// A step where the approver chooses one option (`pilihan`).
    pub memilih: bool,
}

/// An arrow.
#[derive(Debug, Clone, Serialize)]
pub struct Edge {
    /// SVG path.
    pub d: String,
    /// `setuju`, `tolak`, `kembalikan`.
    pub jenis: &'static str,
    /// The text beside a straight-down arrow; empty on side arrows (their colour says it).
    pub label: &'static str,
    /// Where the label's text starts, x in px (0 when there is no label).
    pub lx: i32,
    /// Where the label's text sits, y (baseline) in px (0 when there is no label).
    pub ly: i32,
}

/// A workflow's diagram.
#[derive(Debug, Clone, Serialize)]
pub struct Diagram {
    /// The workflow definition's id.
    pub id: String,
    /// The workflow's title (`judul`).
    pub judul: String,
    /// The SVG's width in px, with room for every side lane (`lebar` = width).
    pub lebar: i32,
    /// The SVG's height in px, below the end states (`tinggi` = height).
    pub tinggi: i32,
    /// The boxes: every step in order, then the two end states (`simpul` = nodes).
    pub simpul: Vec<Node>,
    /// The arrows, one per answer of each step (`panah` = arrows).
    pub panah: Vec<Edge>,
}

/// Box width: narrow enough that the whole diagram fits a phone held upright without
/// shrinking its text much.
const W: i32 = 280;
/// Characters of 13 px text that fit on a line of a box.
const CHARS: usize = 36;
const LINE: i32 = 17;
const PAD: i32 = 10;
const GAP: i32 = 40;
const TOP: i32 = 16;
const LANE: i32 = 12;

fn span(s: &Span) -> String {
    match s {
        Span::Days(n) => format!("{n} hari"),
        Span::Hours(n) => format!("{n} jam"),
    }
}

fn who(a: &Approvers) -> String {
    match a {
        Approvers::Peran(r) => crate::workflow::directory::role_name(r),
        Approvers::Orang(p) => format!("orang tertentu ({p})"),
        Approvers::Rumus(_) => "menurut rumus".into(),
    }
}

/// `text` in lines of at most `width` characters, broken between words (a word longer than a
/// line is broken inside).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > width {
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            out.push(word.drain(..width).collect());
        }
        let word: String = word.into_iter().collect();
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// A step's box text and how many lines its title takes.
fn lines(step: &Step) -> (Vec<String>, usize) {
    let mut out = wrap(&step.judul, CHARS);
    let title = out.len();
    out.extend(wrap(&format!("Penyetuju: {}", who(&step.penyetuju)), CHARS));
    if let Some(c) = &step.syarat {
        out.extend(wrap(
            &format!("Hanya bila {}; bila tidak, langkah dilewati.", c.text()),
            CHARS,
        ));
    }
    if let Some(p) = &step.pilihan {
        out.extend(wrap(
            &format!("Penyetuju memilih satu dari {}.", p.text()),
            CHARS,
        ));
    }
    let mut timing = Vec::new();
    if let Some(t) = &step.tenggat {
        timing.push(format!("tenggat {}", span(t)));
    }
    if let Some(e) = &step.eskalasi {
        timing.push(format!("eskalasi {} → {}", span(&e.setelah), who(&e.ke)));
    }
    if !timing.is_empty() {
        out.extend(wrap(&timing.join(" · "), CHARS));
    }
    (out, title)
}

/// Whether an answer's arrow runs down the side lanes (anything but approval to the next step).
fn on_a_lane(jenis: &str, target: &Target, i: usize) -> bool {
    !(jenis == "setuju" && matches!(target, Target::Step(k) if *k == i + 1))
}

/// Lays out `def`: steps top to bottom, as tall as their text.
pub fn diagram(def: &WorkflowDef) -> Diagram {
    let answers = |s: &Step| {
        [
            (s.jika_setuju, "setuju", "setuju"),
            (s.jika_tolak, "tolak", "tolak"),
            (s.jika_kembalikan, "kembalikan", "kembalikan"),
        ]
    };
    // Lanes first: the boxes sit right of the left lanes.
    let left_lanes = def
        .langkah
        .iter()
        .enumerate()
        .flat_map(|(i, s)| answers(s).map(|(t, j, _)| (i, t, j)))
        .filter(|(i, t, j)| *j != "setuju" && on_a_lane(j, t, *i))
        .count() as i32;
    let x0 = 10 + left_lanes * LANE + 10;
    let texts: Vec<(Vec<String>, usize)> = def.langkah.iter().map(lines).collect();
    let mut ys = Vec::with_capacity(texts.len() + 1);
    let mut y = TOP;
    for (t, _) in &texts {
        ys.push(y);
        y += PAD + t.len() as i32 * LINE + GAP;
    }
    let end_y = y;
    let h_of = |i: usize| {
        texts
            .get(i)
            .map_or(40, |(t, _)| PAD + t.len() as i32 * LINE)
    };
    let mut simpul: Vec<Node> = def
        .langkah
        .iter()
        .zip(&texts)
        .enumerate()
        .map(|(i, (s, (t, title)))| Node {
            x: x0,
            y: ys[i],
            w: W,
            h: h_of(i),
            jenis: "langkah",
            baris: t.clone(),
            tebal: *title,
            bersyarat: s.syarat.is_some(),
            memilih: s.pilihan.is_some(),
        })
        .collect();
    // Approval arrives from the right, refusal from the left: each end sits on its side.
    let ends = [
        (x0 + W / 2 + 10, "setuju", "Selesai disetujui"),
        (x0, "tolak", "Selesai ditolak"),
    ];
    for (x, jenis, label) in ends {
        simpul.push(Node {
            x,
            y: end_y,
            w: W / 2 - 10,
            h: 40,
            jenis,
            baris: vec![label.into()],
            tebal: 1,
            bersyarat: false,
            memilih: false,
        });
    }
    let mut panah = Vec::new();
    let (mut right, mut left) = (0, 0);
    // Arrows into an end state each come down at their own place and height, so no two share
    // a segment.
    let mut into_end = [0i32; 2];
    for (i, s) in def.langkah.iter().enumerate() {
        let mid = ys[i] + h_of(i) / 2;
        for (target, jenis, label) in answers(s) {
            let (tx, ty, top_entry) = match target {
                Target::Step(k) => (x0 + W / 2, ys[k] + h_of(k) / 2, false),
                Target::Approved => (ends[0].0 + (W / 2 - 10) / 2, end_y, true),
                Target::Rejected => (ends[1].0 + (W / 2 - 10) / 2, end_y, true),
            };
            // Approval to the next step: straight down.
            if !on_a_lane(jenis, &target, i) {
                let bottom = ys[i] + h_of(i);
                panah.push(Edge {
                    d: format!("M{} {} V{}", x0 + W / 2, bottom, ys[i + 1] - 2),
                    jenis,
                    label,
                    lx: x0 + W / 2 + 6,
                    ly: bottom + GAP / 2 + 4,
                });
                continue;
            }
            let on_right = jenis == "setuju";
            let lane = if on_right {
                right += 1;
                x0 + W + 10 + right * LANE
            } else {
                left += 1;
                x0 - 10 - left * LANE
            };
            let start_x = if on_right { x0 + W } else { x0 };
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
                let edge_x = if on_right { x0 + W + 2 } else { x0 - 2 };
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
        lebar: x0 + W + 10 + right * LANE + 20,
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
        // Whole titles, wrapped; the conditional step and the choice step say what they are.
        let job = &diagrams[diagrams
            .iter()
            .position(|d| d.id == "pengisian_jabatan")
            .expect("shipped")];
        let text: String = job
            .simpul
            .iter()
            .map(|n| n.baris.join(" "))
            .collect::<Vec<_>>()
            .join(" | ");
        assert!(
            text.contains("Pencatatan hasil pengawasan BKN (khusus JPT Pratama)"),
            "{text}"
        );
        assert!(text.contains("Hanya bila"), "{text}");
        assert!(text.contains("memilih satu"), "{text}");
        assert!(
            !text.contains('…') && !text.contains("KEPALA_BKPSDM"),
            "{text}"
        );
        assert!(job.simpul.iter().any(|n| n.bersyarat) && job.simpul.iter().any(|n| n.memilih));
        assert!(
            job.simpul
                .iter()
                .all(|n| n.baris.iter().all(|l| l.chars().count() <= CHARS)),
            "{text}"
        );
    }

    #[test]
    fn wrapping_keeps_whole_words() {
        assert_eq!(
            wrap("Pencatatan hasil pengawasan BKN (khusus JPT Pratama)", 20),
            ["Pencatatan hasil", "pengawasan BKN", "(khusus JPT Pratama)"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    }
}
