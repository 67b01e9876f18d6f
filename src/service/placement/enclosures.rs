//! What a prompt or notice carries (issue 15, documents.md 3): every prompt about a proposal
//! the `rekap` list and its step's documents — the Kepala BKPSDM the verification minutes, the
//! BPKAD the `anggaran` list (and the budget in the body), the PPK the draft `surat-usulan`
//! and `sptjm`; the TPK prompt the shortlist; the notice that a proposal was approved the
//! final `usulan` list. Each file is attached when it is no
//! larger than `lampiran_maks`, otherwise the message says to download it from the details
//! page its link opens. Identifiers in attached lists are masked, as in every message.

use std::{collections::HashMap, sync::Arc};

use super::lists::ListKind;
use crate::service::{App, ServiceError};
use crate::{
    documents::DocumentKind,
    domain::{Content, Ending, Subject, format_number_id, format_rupiah},
    notify::{compose::Enclosures, mailer::Attachment},
    workflow::directory::names_role,
};

/// One thing a message may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Item {
    List(ListKind),
    Document(DocumentKind),
    Shortlist,
}

impl Item {
    fn file_name(self) -> String {
        match self {
            Self::List(k) => format!("{}.xlsx", k.code()),
            Self::Document(k) => format!("{}.pdf", k.code()),
            Self::Shortlist => "daftar-pendek.xlsx".to_owned(),
        }
    }

    fn content_type(self) -> &'static str {
        crate::export::content_type(&self.file_name())
    }
}

/// Files made during one delivery pass, by subject, instance (documents read its history) and
/// item: every approver of a step gets the same bytes, made once.
#[derive(Default)]
pub struct Made(HashMap<(String, Option<String>, Item), MadeFile>);

/// A file's bytes, or why it could not be made.
type MadeFile = Result<Arc<Vec<u8>>, String>;

/// What message `content` about `subject` carries.
fn items(content: &Content, subject: &Subject) -> Vec<Item> {
    match (content, subject) {
        (Content::Selesai(f), Subject::Penempatan(_)) if f.status == Ending::SelesaiDisetujui => {
            vec![Item::List(ListKind::Usulan)]
        }
        (c, Subject::Penempatan(_)) => {
            let Some(p) = c.prompt() else {
                return Vec::new();
            };
            let k = p.kapasitas.as_str();
            let mut out = vec![Item::List(ListKind::Rekap)];
            if names_role(k, "KEPALA_BKPSDM") {
                out.push(Item::Document(DocumentKind::BeritaAcaraVerifikasi));
            }
            if names_role(k, "BPKAD") {
                out.push(Item::List(ListKind::Anggaran));
            }
            if names_role(k, "PPK") {
                out.push(Item::Document(DocumentKind::SuratUsulan));
                out.push(Item::Document(DocumentKind::Sptjm));
            }
            out
        }
        (c, Subject::Lowongan(_)) => match c.prompt() {
            Some(p) if names_role(&p.kapasitas, "TPK") => vec![Item::Shortlist],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

fn subject_key(subject: &Subject) -> String {
    match subject {
        Subject::Penempatan(p) => format!("penempatan:{}", p.id),
        Subject::Lowongan(v) => format!("lowongan:{}", v.id),
        _ => String::new(),
    }
}

async fn make(
    app: &App,
    item: Item,
    subject: &Subject,
    instance: Option<&str>,
) -> Result<Vec<u8>, ServiceError> {
    if let (Item::Document(kind), Subject::Penempatan(p)) = (item, subject) {
        let (bytes, _) = super::documents::pdf(app, kind, instance, Some(&p.id)).await?;
        return Ok(bytes);
    }
    let dir = crate::service::TempFolder::new("lampiran")
        .map_err(|e| ServiceError::failed("folder lampiran", crate::domain::io_message(&e)))?;
    let path = dir.path().join(item.file_name());
    match (item, subject) {
        (Item::List(kind), Subject::Penempatan(p)) => {
            super::lists::export(app, kind, Some(&p.id), &path, false).await?;
        }
        (Item::Shortlist, Subject::Lowongan(v)) => {
            super::details::shortlist_workbook(v, &path)?;
        }
        _ => return Ok(Vec::new()),
    }
    tokio::fs::read(&path)
        .await
        .map_err(|e| ServiceError::failed("lampiran", crate::domain::io_message(&e)))
}

/// The budget in words, for the BPKAD prompt's body.
async fn budget_lines(app: &App, subject: &Subject) -> Result<Vec<String>, ServiceError> {
    let Subject::Penempatan(p) = subject else {
        return Ok(Vec::new());
    };
    let src = super::lists::proposal_source(app, Some(&p.id)).await?;
    let a = super::lists::anggaran(app, &src).await?;
    let mut out = vec![format!(
        "Anggaran upah: {} orang, {} per bulan, {} per tahun",
        format_number_id(a.jumlah.jumlah_orang as i64),
        format_rupiah(a.jumlah.upah_per_bulan),
        format_rupiah(a.jumlah.upah_per_tahun)
    )];
    for s in &a.per_sumber {
        out.push(format!(
            "Sumber {}: {} orang, {} per tahun",
            s.sumber_anggaran,
            format_number_id(s.jumlah_orang as i64),
            format_rupiah(s.upah_per_tahun)
        ));
    }
    if let Some(umk) = a.umk {
        out.push(format!(
            "Upah di bawah UMK {}: {} orang",
            format_rupiah(umk),
            format_number_id(a.jumlah.di_bawah_umk as i64)
        ));
    }
    Ok(out)
}

/// What message `content` about `subject` carries; a file that cannot be made is left out
/// (and logged), never holding the message back.
#[tracing::instrument(level = "debug", skip_all, fields(instance = ?instance))]
pub async fn enclosures(
    app: &App,
    made: &mut Made,
    content: &Content,
    subject: Option<&Subject>,
    instance: Option<&str>,
) -> Option<Enclosures> {
    let subject = subject?;
    let wanted = items(content, subject);
    if wanted.is_empty() {
        return None;
    }
    let mut out = Enclosures::default();
    if wanted.contains(&Item::List(ListKind::Anggaran)) {
        match budget_lines(app, subject).await {
            Ok(lines) => out.notes = lines,
            Err(e) => tracing::warn!("ringkasan anggaran tidak dapat dibuat: {e}"),
        }
    }
    let limit = app.settings.attachment_max_bytes;
    for item in wanted {
        let key = (subject_key(subject), instance.map(str::to_owned), item);
        if !made.0.contains_key(&key) {
            let bytes = make(app, item, subject, instance)
                .await
                .map(Arc::new)
                .map_err(|e| e.to_string());
            made.0.insert(key.clone(), bytes);
        }
        match made.0.get(&key) {
            Some(Ok(bytes)) if bytes.len() as u64 <= limit && !bytes.is_empty() => {
                out.files.push(Attachment {
                    name: item.file_name(),
                    content_type: item.content_type().to_owned(),
                    bytes: bytes.clone(),
                });
            }
            Some(Ok(bytes)) if !bytes.is_empty() => {
                out.too_large.push((item.file_name(), bytes.len() as u64));
            }
            Some(Err(e)) => {
                tracing::warn!(lampiran = %item.file_name(), "lampiran tidak dapat dibuat: {e}");
            }
            _ => {}
        }
    }
    Some(out)
}
