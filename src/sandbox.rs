//! Work an administrator's edit can make unbounded — typesetting a document template — runs in
//! a child process of `merit` itself (console.md 5, "Bounded work"): the child lowers its own
//! priority and limits its address space before it reads its input, and the parent kills it
//! when the wall-clock limit passes. A template that loops or allocates without end then costs
//! one child, never the server's threads or memory. The only module that starts processes of
//! merit and sets resource limits (rustix `process`).
//!
//! The parent writes the job's input on the child's standard input and reads its output from
//! standard output; the child is `merit __kotak JOB MEMORY_BYTES`.

use std::{
    io::{Read, Write},
    path::PathBuf,
    process::{Command, Stdio},
    time::Duration,
};

/// The hidden command the child runs as.
pub(crate) const CHILD_COMMAND: &str = "__kotak";

/// How much a child may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock time, from start to the last byte of output.
    pub wall: Duration,
    /// Address space, in bytes.
    pub memory: u64,
}

/// Why a child gave no output.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SandboxError {
    /// merit's own executable could not be found to start the child.
    #[error("tidak dapat dijalankan: program merit tidak ditemukan ({0}); atur MERIT_EXE")]
    NoExecutable(String),
    /// The child could not be started or talked to.
    #[error("tidak dapat dijalankan: {0}")]
    Io(String),
    /// The wall-clock limit passed.
    #[error("dihentikan setelah melewati batas waktu {} detik", .0.as_secs())]
    TimedOut(Duration),
    /// The child ran out of its address space.
    #[error("dihentikan karena melewati batas memori {} MB", .0 / (1024 * 1024))]
    OutOfMemory(u64),
    /// The child ended another way (what it said is logged).
    #[error("berhenti tanpa hasil ({0}); rincian ada di log server")]
    Crashed(String),
}

/// The executable of this process when it is merit itself (set by the command line on start).
static SELF: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Says that this process is merit: children are started from its own executable — through
/// `/proc/self/exe` on Linux, which still works after the file was replaced by an upgrade.
pub(crate) fn this_is_merit() {
    let me = PathBuf::from("/proc/self/exe");
    let _ = SELF.set(if me.exists() {
        me
    } else {
        std::env::current_exe().unwrap_or_default()
    });
}

/// The merit executable to start children from: `MERIT_EXE`, else this process's when it is
/// merit ([`this_is_merit`]), else a `merit` beside this program or one folder up (a test
/// binary in `target/debug/deps/` finds `target/debug/merit`).
fn executable() -> Result<PathBuf, SandboxError> {
    if let Some(p) = std::env::var_os("MERIT_EXE").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    if let Some(me) = SELF.get().filter(|p| !p.as_os_str().is_empty()) {
        return Ok(me.clone());
    }
    let me = std::env::current_exe()
        .map_err(|e| SandboxError::NoExecutable(crate::domain::io_message(&e)))?;
    let beside = me.parent().map(|d| d.join("merit"));
    let above = me
        .parent()
        .and_then(|d| d.parent())
        .map(|d| d.join("merit"));
    [beside, above]
        .into_iter()
        .flatten()
        .find(|p| p.is_file())
        .ok_or_else(|| SandboxError::NoExecutable(me.display().to_string()))
}

/// Runs `job` in a child under `limits` with `input` on its standard input; returns what it
/// wrote on standard output when it exits 0. Blocking: call it off the async threads.
pub(crate) fn run(job: &str, input: &[u8], limits: &Limits) -> Result<Vec<u8>, SandboxError> {
    let exe = executable()?;
    let mut child = Command::new(&exe)
        .arg(CHILD_COMMAND)
        .arg(job)
        .arg(limits.memory.to_string())
        .arg(limits.wall.as_secs().max(1).to_string())
        // Nothing of the server's environment (database addresses, passwords) reaches the
        // child: it reads only its input.
        .env_clear()
        // One thread for whatever the job parallelises: the server keeps the other core.
        .env("RAYON_NUM_THREADS", "1")
        // mimalloc reserves 1 GiB of address space up front by default, which an address-space
        // limit of that size leaves no room beside; it grows in 64 MiB steps instead.
        .env("MIMALLOC_ARENA_RESERVE", "64MiB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            SandboxError::Io(format!(
                "{}: {}",
                exe.display(),
                crate::domain::io_message(&e)
            ))
        })?;
    let pid = rustix::process::Pid::from_raw(i32::try_from(child.id()).unwrap_or(0));
    // The watchdog: killed when the limit passes before the parent says it is done.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let wall = limits.wall;
    let watchdog = std::thread::spawn(move || {
        if matches!(
            done_rx.recv_timeout(wall),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout)
        ) && let Some(pid) = pid
        {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::KILL);
            return true;
        }
        false
    });
    let mut stdin = child.stdin.take();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(mut s) = stdin.take() {
            // A child that dies early closes the pipe: the write error says nothing new.
            let _ = s.write_all(&input);
        }
    });
    let mut stderr = child.stderr.take();
    let errors = std::thread::spawn(move || {
        let mut text = Vec::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.take(64 * 1024).read_to_end(&mut text);
        }
        String::from_utf8_lossy(&text).into_owned()
    });
    // The answer is bounded like the child's memory: no more is read than it could hold.
    let mut out = Vec::new();
    let read = child
        .stdout
        .take()
        .map(|s| s.take(limits.memory).read_to_end(&mut out))
        .transpose();
    // Done before the child is reaped: its pid cannot have been reused when the watchdog kills.
    let _ = done_tx.send(());
    let timed_out = watchdog.join().unwrap_or(false);
    let status = child
        .wait()
        .map_err(|e| SandboxError::Io(crate::domain::io_message(&e)))?;
    let _ = writer.join();
    let said = errors.join().unwrap_or_default();
    note_peak(&said);
    if timed_out {
        return Err(SandboxError::TimedOut(limits.wall));
    }
    read.map_err(|e| SandboxError::Io(crate::domain::io_message(&e)))?;
    if status.success() {
        return Ok(out);
    }
    // What the child said is for the log (it may be a program's English), not for people.
    tracing::warn!(
        pekerjaan = job,
        "pekerjaan terpisah berhenti: {}",
        said.trim()
    );
    // A failed allocation under the address-space limit aborts with this line.
    if said.contains("memory allocation") {
        return Err(SandboxError::OutOfMemory(limits.memory));
    }
    use std::os::unix::process::ExitStatusExt;
    Err(SandboxError::Crashed(
        match (status.code(), status.signal()) {
            (Some(c), _) => format!("kode keluar {c}"),
            (None, Some(s)) => format!("dihentikan sinyal {s}"),
            _ => "sebab tidak diketahui".to_owned(),
        },
    ))
}

/// The largest peak memory a child of this process reported, in KB (for benchmarks).
static CHILD_PEAK_KB: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// What a child writes last on standard error: its peak resident memory.
const PEAK_LINE: &str = "merit: rss_puncak_kb ";

fn note_peak(said: &str) {
    if let Some(kb) = said
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(PEAK_LINE)?.trim().parse::<u64>().ok())
    {
        CHILD_PEAK_KB.fetch_max(kb, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The largest peak resident memory of any child this process ran, in MB.
pub(crate) fn children_peak_mb() -> u64 {
    CHILD_PEAK_KB.load(std::sync::atomic::Ordering::Relaxed) / 1024
}

/// The peak resident memory of this process (`VmHWM`), in KB.
pub(crate) fn own_peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .unwrap_or(0)
}

/// In the child, when its answer is written: tells the parent its peak memory.
pub(crate) fn report_peak() {
    eprintln!("{PEAK_LINE}{}", own_peak_kb());
}

/// In the child: the limits it runs under, set on itself before it reads anything (address
/// space, CPU seconds as a second line behind the parent's wall clock, no core files) and a
/// lower priority, so the server's own threads come first.
pub(crate) fn enter(memory: u64, wall_secs: u64) -> std::io::Result<()> {
    use rustix::process::{Resource, Rlimit, setpriority_process, setrlimit};
    let limit = |n: u64| Rlimit {
        current: Some(n),
        maximum: Some(n),
    };
    setrlimit(Resource::As, limit(memory))?;
    setrlimit(Resource::Cpu, limit(wall_secs.saturating_add(1)))?;
    setrlimit(Resource::Core, limit(0))?;
    // Being less important than the server is best effort.
    let _ = setpriority_process(None, 10);
    Ok(())
}

/// Parses the child's arguments after [`CHILD_COMMAND`]: job, memory bytes, wall seconds.
pub(crate) fn child_arguments(args: &[String]) -> Option<(&str, u64, u64)> {
    match args {
        [job, memory, wall] => Some((job.as_str(), memory.parse().ok()?, wall.parse().ok()?)),
        _ => None,
    }
}
