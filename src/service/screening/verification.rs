//! Manual verification (console.md 5): a verifier records a finding (`lolos` or `gagal`, with a
//! note) on a rule the candidate's latest decision leaves for review; screening applies it while
//! the candidate's data is what was verified, and drops it when the data changes. Every finding,
//! clearance and drop is audited.

use crate::domain::{Action, ManualFinding, Nik, RuleVerdict, StatusTemuan, Temuan};
use crate::service::{
    App, Refusal, ServiceError, Sought,
    ground::audit::{self, Actor},
};

/// A finding as people read it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FindingView {
    /// The finding's UUID (v7).
    pub id: String,
    /// `************1234`.
    pub nik: String,
    /// The console's reference of the candidate (for a link).
    pub rujukan: String,
    /// The candidate's name as imported; `(tidak ada lagi)` when no longer imported.
    pub nama: String,
    /// The id of the rule the finding settles.
    pub aturan: String,
    /// The rule's title, when the ruleset in force has the rule.
    pub judul_aturan: String,
    /// `lolos` or `gagal`.
    pub hasil: String,
    /// What the verifier wrote, identifiers in it masked.
    pub catatan: String,
    /// Who recorded it: an account's e-mail or `cli:USER` (`oleh` = by whom).
    pub oleh: String,
    /// When it was recorded, as `30 November 2026 pukul 09.15 WIB` (`waktu` = time).
    pub waktu: String,
    /// `berlaku`, `dicabut`, `diganti`, `gugur`.
    pub status: String,
    /// The status as people read it.
    pub keterangan: String,
    /// Who ended it (revoked or replaced it); `None` while it holds.
    pub diakhiri_oleh: Option<String>,
    /// The note given when it ended, identifiers in it masked; `None` while it holds.
    pub catatan_akhir: Option<String>,
}

fn note_of(note: &str) -> Result<String, ServiceError> {
    crate::domain::Note::parse(note)
        .map(crate::domain::Note::into_string)
        .map_err(|e| {
            ServiceError::value(
                "catatan",
                format!("{e} (tulis apa yang diperiksa, mis. KTP asli atau akta kelahiran)"),
            )
        })
}

/// The rule's id as typed, checked against the candidate's latest decision: it must be a rule
/// of that decision's ruleset. Returns (ruleset, the rule's verdict there, the data hash the
/// decision was made on).
async fn latest_verdict(
    app: &App,
    nik: &Nik,
    aturan: &str,
) -> Result<(String, RuleVerdict, String), ServiceError> {
    let Some((run, decision)) = app.store.latest_decision(nik).await? else {
        return Err(Refusal::ScreeningFirst(
            "calon ini belum pernah disaring; jalankan penyaringan lebih dahulu".to_owned(),
        )
        .into());
    };
    let Some(i) = run.aturan.iter().position(|r| r == aturan) else {
        return Err(ServiceError::value(
            "aturan",
            format!(
                "'{aturan}' bukan aturan ruleset {}; yang ada: {}",
                run.ruleset,
                run.aturan.join(", ")
            ),
        ));
    };
    let verdict = decision
        .verdicts()
        .get(i)
        .cloned()
        .unwrap_or(RuleVerdict::Lolos);
    Ok((run.ruleset, verdict, decision.data_hash))
}

async fn candidate_hash(app: &App, nik: &Nik) -> Result<String, ServiceError> {
    Ok(app
        .store
        .candidate(nik)
        .await?
        .ok_or_else(|| ServiceError::not_found(Sought::Candidate, nik.masked()))?
        .data_hash())
}

async fn audit_object(app: &App, nik: &Nik) -> Result<String, ServiceError> {
    Ok(format!(
        "NIK {} {}",
        nik.masked(),
        audit::tag(app, nik.as_str()).await?
    ))
}

/// Records a finding on `aturan` for `nik`. The rule must ask for review in the candidate's
/// latest decision (or carry a finding already, which this one replaces).
#[tracing::instrument(level = "debug", skip_all)]
pub async fn set(
    app: &App,
    actor: &Actor,
    nik: &Nik,
    aturan: &str,
    hasil: Temuan,
    catatan: &str,
) -> Result<ManualFinding, ServiceError> {
    let catatan = note_of(catatan)?;
    let aturan = aturan.trim();
    let (ruleset, verdict, decided_on) = latest_verdict(app, nik, aturan).await?;
    // The verifier judged what the decision shows, which was made on this data: a correction
    // not yet screened again would bind the finding to data nobody looked at.
    let data_hash = candidate_hash(app, nik).await?;
    if data_hash != decided_on {
        return Err(Refusal::ScreeningFirst(
            "data calon ini berubah sejak penyaringan terakhir; saring ulang calon ini dahulu, lalu catat temuan atas hasil yang baru".to_owned(),
        )
        .into());
    }
    if !verdict.asks_review() && !crate::domain::is_manual(&verdict) {
        return Err(Refusal::NoReviewAsked {
            aturan: aturan.to_owned(),
            hasil: verdict.code().to_owned(),
        }
        .into());
    }
    let finding = ManualFinding {
        id: uuid::Uuid::now_v7().to_string(),
        nik: *nik,
        ruleset,
        aturan: aturan.to_owned(),
        hasil,
        catatan: catatan.clone(),
        data_hash,
        oleh: actor.orang.clone(),
        dibuat_ms: app.clock.now_ms(),
        status: StatusTemuan::Berlaku,
        diakhiri_oleh: None,
        diakhiri_ms: None,
        catatan_akhir: None,
    };
    let objek = audit_object(app, nik).await?;
    let stamp = audit::stamp(app, actor, Action::Verifikasi, &objek, "").await?;
    let describe = |replaced: bool| {
        stamp.detailed(&format!(
            "aturan {aturan}: {}{}; catatan: {catatan}",
            hasil.label(),
            if replaced {
                " (menggantikan temuan sebelumnya)"
            } else {
                ""
            }
        ))
    };
    app.store.put_finding(&finding, &describe).await?;
    Ok(finding)
}

/// Clears the finding in force on `aturan` for `nik`, with a note.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn clear(
    app: &App,
    actor: &Actor,
    nik: &Nik,
    aturan: &str,
    catatan: &str,
) -> Result<(), ServiceError> {
    let catatan = note_of(catatan)?;
    let aturan = aturan.trim();
    let current: Vec<String> = app
        .store
        .findings(Some(nik), 1_000)
        .await?
        .into_iter()
        .filter(|f| f.aturan == aturan && f.status == StatusTemuan::Berlaku)
        .map(|f| f.id)
        .collect();
    let objek = audit_object(app, nik).await?;
    let stamp = audit::stamp(
        app,
        actor,
        Action::VerifikasiAkhir,
        &objek,
        &format!("temuan aturan {aturan} dicabut; catatan: {catatan}"),
    )
    .await?;
    let ended = app
        .store
        .end_findings(
            &current,
            StatusTemuan::Dicabut,
            &actor.orang,
            &catatan,
            app.clock.now_ms(),
            &stamp,
        )
        .await?;
    if ended == 0 {
        return Err(Refusal::NoFindingInForce(aturan.to_owned()).into());
    }
    Ok(())
}

/// Drops findings made on data that has changed since (screening found them), each audited.
pub(super) async fn drop_findings(
    app: &App,
    findings: &[ManualFinding],
) -> Result<(), ServiceError> {
    let why = "data calon berubah sejak diverifikasi; periksa kembali";
    for f in findings {
        let objek = audit_object(app, &f.nik).await?;
        let stamp = audit::stamp(
            app,
            &Actor::system(),
            Action::VerifikasiAkhir,
            &objek,
            &format!("temuan aturan {} oleh {} gugur: {why}", f.aturan, f.oleh),
        )
        .await?;
        let ended = app
            .store
            .end_findings(
                std::slice::from_ref(&f.id),
                StatusTemuan::Gugur,
                "sistem",
                why,
                app.clock.now_ms(),
                &stamp,
            )
            .await?;
        if ended > 0 {
            tracing::warn!(aturan = %f.aturan, nik = %f.nik.masked(), "verifikasi manual gugur: {why}");
        }
    }
    Ok(())
}

/// Findings, newest first (those in force first when listing everyone's), as people read them.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn list(app: &App, nik: Option<&Nik>) -> Result<Vec<FindingView>, ServiceError> {
    let findings = app.store.findings(nik, 500).await?;
    let titles = rule_titles(app).await;
    let tz = app.settings.timezone;
    let mut out = Vec::with_capacity(findings.len());
    let mut niks: Vec<Nik> = findings.iter().map(|f| f.nik).collect();
    niks.sort_unstable_by(|a, b| a.as_str().cmp(b.as_str()));
    niks.dedup();
    let names = app.store.candidate_names(&niks).await?;
    for f in findings {
        out.push(FindingView {
            id: f.id.clone(),
            nik: f.nik.masked(),
            rujukan: crate::service::ground::links::reference(app, &f.nik).await?,
            nama: names
                .get(&f.nik)
                .cloned()
                .unwrap_or_else(|| "(tidak ada lagi)".to_owned()),
            judul_aturan: titles.get(&f.aturan).cloned().unwrap_or_default(),
            aturan: f.aturan,
            hasil: f.hasil.code().to_owned(),
            catatan: crate::domain::redact_identifiers(&f.catatan).0,
            oleh: f.oleh,
            waktu: crate::service::ground::when(f.dibuat_ms, tz),
            status: f.status.code().to_owned(),
            keterangan: f.status.label().to_owned(),
            diakhiri_oleh: f.diakhiri_oleh,
            catatan_akhir: f
                .catatan_akhir
                .map(|c| crate::domain::redact_identifiers(&c).0),
        });
    }
    Ok(out)
}

/// Rule id → title, over the candidate rulesets in force.
async fn rule_titles(app: &App) -> std::collections::HashMap<String, String> {
    let Ok((adopted, _)) = crate::service::ground::definitions::read(app, |d| d.adopted()).await
    else {
        return std::collections::HashMap::new();
    };
    adopted
        .all()
        .flat_map(|rs| rs.rules.iter().map(|r| (r.id.clone(), r.judul.clone())))
        .collect()
}

/// The findings on one candidate named by a console key (NIK or reference), newest first.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn of_candidate(app: &App, key: &str) -> Result<Vec<FindingView>, ServiceError> {
    let nik = crate::service::ground::links::candidate_key(app, key).await?;
    list(app, Some(&nik)).await
}
