//! sea-orm entities, one per table. Rows are converted to domain types by the repositories in
//! the parent module, never handed out.

// The sea-orm derive macros generate `pub` items (Column, ActiveModel, ...) in these modules.
#![allow(unreachable_pub)]
// ... and loaders (`ModelEx`) that only some tables use.
#![allow(dead_code)]

pub(crate) mod calon;
pub(crate) mod calon_arsip;
pub(crate) mod formasi;
pub(crate) mod impor;
pub(crate) mod pegawai;
pub(crate) mod pengaturan;
