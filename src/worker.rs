//! Who is working: an owner id for claims and leases (`host/pid/start`), and whether another
//! owner on this host is still alive. A claim by a process that died is taken over at once on
//! the same host; on other hosts, when its lease runs out.

use std::sync::OnceLock;

/// This process's owner id, e.g. `bkpsdm-1/4321/98765`.
pub(crate) fn owner_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        let pid = std::process::id();
        format!(
            "{}/{pid}/{}",
            hostname(),
            start_ticks(pid).unwrap_or_default()
        )
    })
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty() && !h.contains('/'))
        .unwrap_or_else(|| "localhost".to_owned())
}

/// The start time of process `pid` in clock ticks since boot (field 22 of /proc/PID/stat):
/// together with the pid it identifies a process even after its pid is reused.
fn start_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = stat.rsplit_once(')')?.1;
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// Whether `owner` is known to be dead: it ran on this host and that process is gone.
/// Owners on other hosts are never declared dead here (their leases decide).
pub(crate) fn is_dead(owner: &str) -> bool {
    let mut parts = owner.split('/');
    let (Some(host), Some(pid), Some(start)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    if host != hostname() {
        return false;
    }
    let (Ok(pid), Ok(start)) = (pid.parse::<u32>(), start.parse::<u64>()) else {
        return false;
    };
    start_ticks(pid) != Some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_made_up_one_is_not() {
        assert!(!is_dead(owner_id()));
        let host = hostname();
        assert!(is_dead(&format!("{host}/4194303/1")));
        assert!(
            !is_dead("server-lain/1/1"),
            "other hosts are left to leases"
        );
        assert!(!is_dead("rusak"));
    }
}
