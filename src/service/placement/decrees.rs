//! `merit document sk-pengangkatan --output DIR` (documents.md 4): once the proposal's workflow
//! ended approved, for every proposed candidate the appointment decree and the work agreement
//! (SE Kepala BKN 6/2025: position, unit, term and pay in both), each numbered from the
//! register, one PDF per person (`<nomor_peserta or NIK>.pdf`) and a ZIP of them all. The
//! decrees are typeset in batches, one child process per batch, two at a time.

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use serde_json::{Value, json};

use super::{
    documents::{self, Letterhead},
    lists,
};
use crate::service::{App, ServiceError, ground::audit::Actor};
use crate::{
    documents::DocumentKind,
    domain::{Subject, format_date_id, format_rupiah, number_in_words},
    store::ProposedLine,
    workflow::Status,
};

/// Decrees typeset in one child process.
const BATCH: usize = 150;

/// What `sk-pengangkatan` wrote.
#[derive(Debug, Clone, Serialize)]
pub struct DecreeReport {
    /// The folder the PDFs were written to.
    pub folder: String,
    /// PDFs written, one per person.
    pub berkas: u64,
    /// The ZIP of them all.
    pub zip: String,
    /// Bytes of the ZIP.
    pub ukuran_zip: u64,
    /// The first decree number.
    pub nomor_pertama: String,
    /// The last decree number.
    pub nomor_terakhir: String,
    /// The workflow instance they were made from.
    pub sumber: String,
}

/// The first day of the month after `approved`: the planned start (TMT) of the appointments.
fn start_after(approved: NaiveDate) -> NaiveDate {
    let (y, m) = if approved.month() == 12 {
        (approved.year() + 1, 1)
    } else {
        (approved.year(), approved.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(approved)
}

/// The participant number as a file name (letters and digits only), when there is one.
fn participant(p: &ProposedLine) -> Option<String> {
    p.nomor_peserta
        .as_deref()
        .map(|n| {
            n.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
        })
        .filter(|n| !n.is_empty())
}

/// The file names of the people's PDFs: the participant number, else (none on record, or one
/// another person also carries) the NIK, which is unique.
fn file_names(people: &[ProposedLine]) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for p in people {
        if let Some(n) = participant(p) {
            *seen.entry(n).or_default() += 1;
        }
    }
    people
        .iter()
        .map(|p| {
            let id = participant(p)
                .filter(|n| seen.get(n) == Some(&1))
                .unwrap_or_else(|| p.nik.as_str().to_owned());
            format!("{id}.pdf")
        })
        .collect()
}

/// One person's decree data: the letterhead, the two numbers, the person, the term and pay.
pub fn person_data(head: &Value, p: &PersonDecree<'_>, unit_name: &str, start: NaiveDate) -> Value {
    let end = start
        .with_year(start.year() + 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(start);
    let pay = p.line.upah;
    let mut data = head.clone();
    if let Value::Object(o) = &mut data {
        o.insert("konsep".into(), Value::Bool(false));
        o.insert("nomor".into(), Value::String(p.sk.to_owned()));
        o.insert("nomor_pk".into(), Value::String(p.pk.to_owned()));
        o.insert("tanggal".into(), Value::String(p.tanggal.to_owned()));
        o.insert(
            "pegawai".into(),
            json!({
                "nama": p.line.nama,
                "nik": p.line.nik.as_str(),
                "nomor_peserta": p.line.nomor_peserta.clone().unwrap_or_else(|| "-".into()),
                "tempat_lahir": p.line.tempat_lahir.clone().unwrap_or_else(|| "-".into()),
                "tanggal_lahir": p.line.tanggal_lahir.map(format_date_id).unwrap_or_else(|| "-".into()),
                "pendidikan": crate::domain::Pendidikan::parse(&p.line.pendidikan)
                    .map(|e| e.label().to_owned())
                    .unwrap_or_else(|_| p.line.pendidikan.clone()),
                "jurusan": p.line.jurusan.clone().unwrap_or_else(|| "-".into()),
                "jabatan": p.line.jabatan,
                "unit_kerja": if unit_name.is_empty() { p.line.unit_kerja.clone() } else { unit_name.to_owned() },
                "upah": format_rupiah(pay),
                "upah_huruf": format!("{} rupiah", number_in_words(u64::try_from(pay).unwrap_or_default())),
                "sumber_anggaran": documents::source_in_words(p.line.sumber_anggaran.code()),
            }),
        );
        o.insert(
            "masa".into(),
            json!({ "mulai": format_date_id(start), "sampai": format_date_id(end) }),
        );
    }
    data
}

/// One person with the numbers of their decree and agreement.
pub struct PersonDecree<'a> {
    /// The proposed candidate.
    pub line: &'a ProposedLine,
    /// The decree's number.
    pub sk: &'a str,
    /// The work agreement's number.
    pub pk: &'a str,
    /// The date both bear.
    pub tanggal: &'a str,
}

/// Writes the decrees of the approved proposal `instance` (default: the newest approved) into
/// `dir`, one PDF per person and `sk-pengangkatan.zip`; numbers them from the register.
pub async fn write(
    app: &App,
    instance: Option<&str>,
    dir: &Path,
) -> Result<DecreeReport, ServiceError> {
    write_as(app, instance, dir, &Actor::system()).await
}

/// [`write`] by `actor`, who is audited as the one the numbers were taken for.
#[tracing::instrument(level = "debug", skip_all, fields(instance = ?instance))]
pub async fn write_as(
    app: &App,
    instance: Option<&str>,
    dir: &Path,
    actor: &Actor,
) -> Result<DecreeReport, ServiceError> {
    let kind = DocumentKind::SkPengangkatan;
    let inst = documents::chosen_instance(app, DocumentKind::SuratUsulan, instance, None)
        .await?
        .ok_or_else(|| refused("belum ada alur usulan PPPK paruh waktu"))?;
    if inst.state.status != Status::SelesaiDisetujui {
        return Err(refused(&format!(
            "alur usulan {} belum disetujui PPK (status: {})",
            inst.id,
            inst.state.status.as_str()
        )));
    }
    let Ok(Subject::Penempatan(p)) = inst.subjek.typed() else {
        return Err(refused("alur ini bukan usulan penempatan"));
    };
    let source = lists::proposal_source(app, Some(&p.id)).await?;
    let mut people: Vec<ProposedLine> = Vec::new();
    let mut after = String::new();
    loop {
        let page = app
            .store
            .proposed_page(&source.run.id, &source.placement.id, &after, 5_000)
            .await?;
        let Some(last) = page.last() else { break };
        after = last.nik.as_str().to_owned();
        people.extend(page);
    }
    if people.is_empty() {
        return Err(refused("usulan ini tidak memuat calon"));
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        ServiceError::value(
            "--output",
            format!("{}: {}", dir.display(), crate::domain::io_message(&e)),
        )
    })?;
    let approved = app
        .store
        .history(&inst.id)
        .await?
        .iter()
        .rev()
        .find(|h| h.jenis == crate::workflow::HistoryKind::Selesai)
        .map_or_else(|| app.clock.now_ms(), |h| h.waktu_ms);
    let tz = app.settings.timezone;
    let approved_on = crate::clock::from_ms(approved)
        .with_timezone(&tz)
        .date_naive();
    let start = start_after(approved_on);
    let sources: Vec<String> = people
        .iter()
        .map(|l| format!("{}/{}", inst.id, l.nik.as_str()))
        .collect();
    let sk = numbers(app, "sk-pengangkatan", &inst.id, &sources, actor).await?;
    let pk = numbers(app, "perjanjian-kerja", &inst.id, &sources, actor).await?;
    let (dir_entry, _) = crate::service::ground::workflows::directory(app).await?;
    let image = documents::letterhead_image(app, kind).await;
    let letterhead = Letterhead::of(app, &dir_entry, image.as_ref().map(|l| l.0.as_str()));
    let head = documents::header(&letterhead, &inst.id);
    let names: std::collections::BTreeMap<&str, &str> = source
        .formations
        .iter()
        .filter_map(|f| f.nama_unit.as_deref().map(|n| (f.unit_kerja.as_str(), n)))
        .collect();
    let names_of = file_names(&people);
    let data: Vec<(String, String)> = people
        .iter()
        .zip(names_of)
        .zip(sk.iter().zip(&pk))
        .map(|((line, file), (s, k))| {
            let date = crate::clock::from_ms(s.tanggal_ms)
                .with_timezone(&tz)
                .date_naive();
            let tanggal = format_date_id(date);
            let d = person_data(
                &head,
                &PersonDecree {
                    line,
                    sk: &s.nomor,
                    pk: &k.nomor,
                    tanggal: &tanggal,
                },
                names.get(line.unit_kerja.as_str()).copied().unwrap_or(""),
                start,
            );
            (file, d.to_string())
        })
        .collect();
    let written = typeset_all(app, kind, data, image, dir).await?;
    let zip = zip_of(dir, &written)?;
    let ukuran_zip = std::fs::metadata(&zip).map(|m| m.len()).unwrap_or_default();
    Ok(DecreeReport {
        folder: dir.display().to_string(),
        berkas: written.len() as u64,
        zip: zip.display().to_string(),
        ukuran_zip,
        nomor_pertama: sk.first().map(|n| n.nomor.clone()).unwrap_or_default(),
        nomor_terakhir: sk.last().map(|n| n.nomor.clone()).unwrap_or_default(),
        sumber: inst.id.clone(),
    })
}

fn refused(why: &str) -> ServiceError {
    crate::service::Refusal::NotApprovedYet(format!(
        "SK pengangkatan belum dapat disusun: {why}; SK disusun setelah usulan disetujui PPK"
    ))
    .into()
}

/// The register's numbers of kind `jenis` (`sk-pengangkatan` for the decrees,
/// `perjanjian-kerja` for the agreements) for `sources`, audited as taken for `actor`.
async fn numbers(
    app: &App,
    jenis: &str,
    inst: &str,
    sources: &[String],
    actor: &Actor,
) -> Result<Vec<crate::store::NumberRow>, ServiceError> {
    let what = if jenis == "perjanjian-kerja" {
        "perjanjian kerja"
    } else {
        "keputusan pengangkatan"
    };
    let series = documents::Series::of(app, jenis, actor).await?;
    let print = |urut: i64| series.print(urut);
    let describe = |first: &str, last: &str, n: usize| {
        series.stamp.detailed(&format!(
            "{n} nomor {what} ({first} sampai {last}) untuk usulan {inst}"
        ))
    };
    Ok(app
        .store
        .take_document_numbers(&series.request(jenis, inst), sources, &print, &describe)
        .await?)
}

/// Typesets `(file name, data)` in batches, two child processes at a time, writing each PDF
/// into `dir` as it comes; returns the paths written, in order.
async fn typeset_all(
    app: &App,
    kind: DocumentKind,
    data: Vec<(String, String)>,
    image: Option<(String, Vec<u8>)>,
    dir: &Path,
) -> Result<Vec<PathBuf>, ServiceError> {
    let templates = documents::templates(app).await?;
    let today = app
        .clock
        .now()
        .with_timezone(&app.settings.timezone)
        .date_naive();
    let limits = app.settings.document_limits;
    let image = std::sync::Arc::new(image);
    let mut tasks = tokio::task::JoinSet::new();
    let mut batches = Vec::new();
    for (i, chunk) in data.chunks(BATCH).enumerate() {
        // Two batches at a time (the document slots): a batch never waits in a queue long
        // enough to be told to come back after its numbers were taken.
        while tasks.len() >= crate::service::ground::bounded::SLOTS {
            if let Some(done) = tasks.join_next().await {
                batches.push(done.map_err(|e| ServiceError::unexpected("menyusun SK", e))??);
            }
        }
        let chunk = chunk.to_vec();
        let (templates, image, dir) = (templates.clone(), image.clone(), dir.to_path_buf());
        tasks.spawn(async move {
            let written = crate::service::ground::bounded::document("menyusun SK", move || {
                let docs: Vec<(DocumentKind, &[u8], crate::documents::Logo<'_>)> = chunk
                    .iter()
                    .map(|(_, d)| {
                        (
                            kind,
                            d.as_bytes(),
                            image
                                .as_ref()
                                .as_ref()
                                .map(|(n, b)| (n.as_str(), b.as_slice())),
                        )
                    })
                    .collect();
                let mut out = Vec::with_capacity(chunk.len());
                for ((name, _), pdf) in chunk
                    .iter()
                    .zip(templates.typeset_all(&docs, today, true, &limits))
                {
                    let pdf = pdf.map_err(|d| {
                        ServiceError::definitions(crate::service::Definition::Documents, d)
                    })?;
                    let path = dir.join(name);
                    crate::export::write_atomically(&path, &pdf)?;
                    out.push(path);
                }
                Ok::<_, ServiceError>(out)
            })
            .await??;
            Ok::<_, ServiceError>((i, written))
        });
    }
    while let Some(done) = tasks.join_next().await {
        batches.push(done.map_err(|e| ServiceError::unexpected("menyusun SK", e))??);
    }
    batches.sort_by_key(|(i, _)| *i);
    Ok(batches.into_iter().flat_map(|(_, w)| w).collect())
}

/// `dir/sk-pengangkatan.zip` holding `files` (whole or not at all: written beside it under a
/// temporary name, streamed file by file, then renamed).
fn zip_of(dir: &Path, files: &[PathBuf]) -> Result<PathBuf, ServiceError> {
    use std::io::Write;
    let path = dir.join("sk-pengangkatan.zip");
    let partial = dir.join(".sk-pengangkatan.zip.sebagian");
    let io = |e: std::io::Error| ServiceError::failed("ZIP SK", crate::domain::io_message(&e));
    let file = std::fs::File::create(&partial).map_err(io)?;
    {
        let mut z = zip::ZipWriter::new(std::io::BufWriter::new(file));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for f in files {
            let name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = std::fs::read(f)
                .map_err(|e| ServiceError::failed("SK", crate::domain::io_message(&e)))?;
            z.start_file(name, options)
                .map_err(|e| ServiceError::unexpected("ZIP SK", e))?;
            z.write_all(&bytes)
                .map_err(|e| ServiceError::unexpected("ZIP SK", e))?;
        }
        let mut out = z
            .finish()
            .map_err(|e| ServiceError::unexpected("ZIP SK", e))?;
        out.flush().map_err(io)?;
        out.get_ref().sync_all().map_err(io)?;
    }
    std::fs::rename(&partial, &path).map_err(io)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_unique_even_when_participant_numbers_repeat() {
        let line = |nik: &str, peserta: Option<&str>| ProposedLine {
            nik: crate::domain::Nik::parse(nik).unwrap(),
            nomor_peserta: peserta.map(str::to_owned),
            nama: "A".into(),
            tempat_lahir: None,
            tanggal_lahir: None,
            jenis_kelamin: "L".into(),
            kategori_pelamar: "R3".into(),
            pendidikan: "SMA".into(),
            jurusan: None,
            kode_formasi: "F".into(),
            jabatan: "J".into(),
            unit_kerja: "U".into(),
            upah: 1,
            sumber_anggaran: crate::domain::SumberAnggaran::Apbd,
        };
        let names = file_names(&[
            line("1609022304870001", Some("25-1609-2001")),
            line("1609022304870002", Some("25-1609-2001")),
            line("1609022304870003", Some("2516093")),
            line("1609022304870004", None),
        ]);
        assert_eq!(
            names,
            [
                "1609022304870001.pdf",
                "1609022304870002.pdf",
                "2516093.pdf",
                "1609022304870004.pdf"
            ]
        );
    }

    #[test]
    fn appointments_start_on_the_first_of_the_next_month() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(start_after(d(2026, 12, 8)), d(2027, 1, 1));
        assert_eq!(start_after(d(2026, 3, 31)), d(2026, 4, 1));
    }
}
