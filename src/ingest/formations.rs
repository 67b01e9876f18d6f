//! Formation files (interfaces.md 2.2), keyed by `kode_formasi`.

use super::{Column, FieldError, RecordKey, RowView, Schema};
use crate::domain::{Formation, KategoriJabatan, Pendidikan, SumberAnggaran};

/// `merit import formations`.
#[derive(Debug)]
pub struct FormationSchema;

impl Schema for FormationSchema {
    type Record = Formation;
    const KEY: &'static str = "kode_formasi";
    const COLUMNS: &'static [Column] = &[
        Column {
            name: "kode_formasi",
            required: true,
        },
        Column {
            name: "unit_kerja",
            required: true,
        },
        Column {
            name: "nama_unit",
            required: false,
        },
        Column {
            name: "kategori_jabatan",
            required: true,
        },
        Column {
            name: "jabatan",
            required: true,
        },
        Column {
            name: "pendidikan_minimal",
            required: true,
        },
        Column {
            name: "jurusan",
            required: false,
        },
        Column {
            name: "jumlah",
            required: true,
        },
        Column {
            name: "upah",
            required: false,
        },
        Column {
            name: "sumber_anggaran",
            required: false,
        },
    ];

    fn parse(
        v: &RowView<'_>,
        _warnings: &mut Vec<FieldError>,
    ) -> Result<Formation, Vec<FieldError>> {
        let kode_formasi = v.text("kode_formasi");
        let unit_kerja = v.text("unit_kerja");
        let nama_unit = v.opt_text("nama_unit");
        let kategori_jabatan = v.code("kategori_jabatan", KategoriJabatan::parse);
        let jabatan = v.text("jabatan");
        let pendidikan_minimal = v.code("pendidikan_minimal", Pendidikan::parse);
        let jurusan: Vec<String> = v
            .opt_text("jurusan")
            .map(|j| {
                j.split(';')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let jumlah = v.integer("jumlah", 1, 100_000);
        let upah = v.opt_rupiah("upah");
        let sumber_anggaran = v.opt_code("sumber_anggaran", SumberAnggaran::parse);

        let errors = v.take_errors();
        if !errors.is_empty() {
            return Err(errors);
        }
        let build = || {
            Some(Formation {
                kode_formasi: kode_formasi?,
                unit_kerja: unit_kerja?,
                nama_unit,
                kategori_jabatan: kategori_jabatan?,
                jabatan: jabatan?,
                pendidikan_minimal: pendidikan_minimal?,
                jurusan,
                jumlah: u32::try_from(jumlah?).ok()?,
                upah: upah?,
                sumber_anggaran: sumber_anggaran?.unwrap_or(SumberAnggaran::Apbd),
            })
        };
        build().ok_or_else(|| {
            vec![FieldError::new(
                v.number(),
                "kode_formasi",
                "baris tidak dapat dibaca",
            )]
        })
    }

    fn key(record: &Formation) -> RecordKey {
        RecordKey::Text(record.kode_formasi.clone())
    }
}
