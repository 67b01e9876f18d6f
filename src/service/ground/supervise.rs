//! Background tasks that are never lost silently. A supervised task that panics is logged,
//! recorded in [`Health`] (so `/healthz` answers 503 until it runs a cycle again), and started
//! again after a pause that grows with each failure.

use std::{
    collections::BTreeMap,
    future::Future,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::sync::watch;

/// What is known of one background task.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TaskHealth {
    /// Times it was started again after a panic.
    pub diulang: u32,
    /// The last panic's message.
    pub kesalahan_terakhir: Option<String>,
    /// Whether it has completed a cycle since its last panic (or ever, before the first).
    pub sehat: bool,
}

/// The health of the background tasks of one process.
#[derive(Debug, Default)]
pub struct Health {
    tasks: Mutex<BTreeMap<&'static str, TaskHealth>>,
}

impl Health {
    fn with<T>(&self, f: impl FnOnce(&mut BTreeMap<&'static str, TaskHealth>) -> T) -> T {
        let mut guard = self
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// A task completed a cycle.
    pub fn beat(&self, task: &'static str) {
        self.with(|t| t.entry(task).or_default().sehat = true);
    }

    /// A task panicked.
    pub fn panicked(&self, task: &'static str, message: String) {
        self.with(|t| {
            let e = t.entry(task).or_default();
            e.diulang += 1;
            e.kesalahan_terakhir = Some(message);
            e.sehat = false;
        });
    }

    /// Every task's state, by name.
    pub fn tasks(&self) -> BTreeMap<&'static str, TaskHealth> {
        self.with(|t| t.clone())
    }

    /// Whether every task that has panicked has completed a cycle since.
    pub fn ok(&self) -> bool {
        self.with(|t| t.values().all(|h| h.sehat || h.diulang == 0))
    }
}

fn panic_message(e: tokio::task::JoinError) -> String {
    match e.try_into_panic() {
        Ok(payload) => payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "panik tanpa pesan".to_owned()),
        Err(e) => e.to_string(),
    }
}

/// Runs the task `make` builds until it returns (a requested stop); when it panics, records
/// it and starts it again after 1 s, 2 s, 4 s … (at most a minute), unless `stop` is set.
pub fn supervise<F, Fut>(
    name: &'static str,
    health: Arc<Health>,
    mut stop: watch::Receiver<bool>,
    make: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut pause = Duration::from_secs(1);
        loop {
            match tokio::spawn(make()).await {
                Ok(()) => return,
                Err(e) if e.is_panic() => {
                    let message = panic_message(e);
                    tracing::error!(
                        tugas = name,
                        "tugas latar berhenti karena kesalahan tak terduga dan akan dijalankan ulang: {message}"
                    );
                    health.panicked(name, message);
                }
                Err(_) => return,
            }
            if *stop.borrow() {
                return;
            }
            tokio::select! {
                _ = stop.wait_for(|s| *s) => return,
                () = tokio::time::sleep(pause) => {}
            }
            pause = (pause * 2).min(Duration::from_secs(60));
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_panicking_task_is_recorded_and_started_again() {
        let health = Arc::new(Health::default());
        let (_tx, rx) = watch::channel(false);
        let runs = Arc::new(AtomicU32::new(0));
        let (h, r) = (health.clone(), runs.clone());
        let task = supervise("uji", health.clone(), rx, move || {
            let (h, r) = (h.clone(), r.clone());
            async move {
                if r.fetch_add(1, Ordering::SeqCst) == 0 {
                    panic!("sengaja");
                }
                h.beat("uji");
            }
        });
        task.await.unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        let t = &health.tasks()["uji"];
        assert_eq!(t.diulang, 1);
        assert_eq!(t.kesalahan_terakhir.as_deref(), Some("sengaja"));
        assert!(health.ok(), "healthy again after a completed cycle");
    }

    #[test]
    fn a_task_down_since_its_panic_makes_the_process_unhealthy() {
        let health = Health::default();
        health.beat("kotak_keluar");
        assert!(health.ok());
        health.panicked("kotak_keluar", "x".into());
        assert!(!health.ok());
        health.beat("kotak_keluar");
        assert!(health.ok());
    }
}
