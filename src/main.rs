//! The `merit` binary: everything happens in [`merit::cli::run`].

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    merit::cli::run(&merit::http::Server::default())
}
