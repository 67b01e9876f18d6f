//! Employee files for job-fill (interfaces.md 2.3), keyed by NIP.

use super::{Column, FieldError, RecordKey, RowView, Schema, fields};
use crate::domain::{
    Employee, Golongan, HukumanDisiplin, JenisKelamin, Jenjang, JenjangPeriod, KotakTalenta,
    Pendidikan, Potensial, Predikat,
};

/// `merit import employees`.
#[derive(Debug)]
pub struct EmployeeSchema;

impl Schema for EmployeeSchema {
    type Record = Employee;
    const KEY: &'static str = "nip";
    const COLUMNS: &'static [Column] = &[
        Column {
            name: "nip",
            required: true,
        },
        Column {
            name: "nama",
            required: true,
        },
        Column {
            name: "tanggal_lahir",
            required: true,
        },
        Column {
            name: "jenis_kelamin",
            required: true,
        },
        Column {
            name: "golongan",
            required: false,
        },
        Column {
            name: "jenjang",
            required: true,
        },
        Column {
            name: "jabatan",
            required: true,
        },
        Column {
            name: "unit_kerja",
            required: true,
        },
        Column {
            name: "tmt_jenjang",
            required: true,
        },
        Column {
            name: "pendidikan",
            required: true,
        },
        Column {
            name: "predikat_1",
            required: true,
        },
        Column {
            name: "predikat_2",
            required: true,
        },
        Column {
            name: "potensial",
            required: true,
        },
        Column {
            name: "kotak_talenta",
            required: false,
        },
        Column {
            name: "hukuman_disiplin",
            required: false,
        },
        Column {
            name: "email",
            required: false,
        },
        Column {
            name: "riwayat_jenjang",
            required: false,
        },
    ];

    fn parse(v: &RowView<'_>, warnings: &mut Vec<FieldError>) -> Result<Employee, Vec<FieldError>> {
        let nip = fields::nip(v);
        let nama = fields::clean_text(v, "nama", v.text("nama"));
        let tanggal_lahir = v.date("tanggal_lahir");
        let jenis_kelamin = v.code("jenis_kelamin", JenisKelamin::parse);
        let golongan = v.opt_code("golongan", Golongan::parse);
        let jenjang = v.code("jenjang", Jenjang::parse);
        let jabatan = v.text("jabatan");
        let unit_kerja = v.text("unit_kerja");
        let tmt_jenjang = v.date("tmt_jenjang");
        let pendidikan = v.code("pendidikan", Pendidikan::parse);
        let predikat_1 = v.code("predikat_1", Predikat::parse);
        let predikat_2 = v.code("predikat_2", Predikat::parse);
        let potensial = v.code("potensial", Potensial::parse);
        let given_box = v.opt_integer("kotak_talenta", 1, 9);
        let hukuman_disiplin = v
            .opt_code("hukuman_disiplin", HukumanDisiplin::parse)
            .map(|h| h.unwrap_or(HukumanDisiplin::Tidak));
        let email = v.opt_text("email");
        let riwayat_jenjang = match v.opt_text("riwayat_jenjang") {
            None => Some(Vec::new()),
            Some(text) => match JenjangPeriod::parse_list(&text) {
                Ok(list) => Some(list),
                Err(m) => {
                    v.error("riwayat_jenjang", m);
                    None
                }
            },
        };

        if let (Some(nip), Some(lahir)) = (&nip, tanggal_lahir)
            && nip.birth_date() != lahir
        {
            warnings.push(FieldError::new(
                v.number(),
                "tanggal_lahir",
                "tidak sama dengan tanggal lahir pada NIP; periksa data kepegawaian",
            ));
        }
        let errors = v.take_errors();
        if !errors.is_empty() {
            return Err(errors);
        }
        let build = || {
            let derived = KotakTalenta::derive(predikat_1?, potensial?);
            let kotak_talenta = match given_box.flatten().and_then(KotakTalenta::new) {
                Some(given) if given != derived => {
                    warnings.push(FieldError::new(
                        v.number(),
                        "kotak_talenta",
                        format!(
                            "kotak {} tidak sesuai dengan predikat_1 dan potensial (seharusnya {}); \
                             nilai yang tertulis dipakai",
                            given.number(),
                            derived.number()
                        ),
                    ));
                    given
                }
                Some(given) => given,
                None => derived,
            };
            Some(Employee {
                nip: nip?,
                nama: nama?,
                tanggal_lahir: tanggal_lahir?,
                jenis_kelamin: jenis_kelamin?,
                golongan: golongan?,
                jenjang: jenjang?,
                jabatan: jabatan?,
                unit_kerja: unit_kerja?,
                tmt_jenjang: tmt_jenjang?,
                pendidikan: pendidikan?,
                predikat_1: predikat_1?,
                predikat_2: predikat_2?,
                potensial: potensial?,
                kotak_talenta,
                hukuman_disiplin: hukuman_disiplin?,
                email,
                riwayat_jenjang: riwayat_jenjang?,
            })
        };
        build().ok_or_else(|| {
            vec![FieldError::new(
                v.number(),
                "nip",
                "baris tidak dapat dibaca",
            )]
        })
    }

    fn key(record: &Employee) -> RecordKey {
        RecordKey::Number(record.nip.as_str().parse().unwrap_or_default())
    }
}
