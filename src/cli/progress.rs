//! A progress bar on standard error, only on a terminal and only for work that lasts more than a
//! second.

use std::{
    io::IsTerminal,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use indicatif::{ProgressBar, ProgressStyle};

use crate::progress::SharedProgress;

/// A bar being drawn; call [`Bar::finish`] when the work ends.
pub(crate) struct Bar {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Bar {
    /// Stops drawing and clears the bar.
    pub(crate) async fn finish(self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.task.await;
    }
}

/// Draws `progress` as bytes or items under `label`, when standard error is a terminal.
pub(crate) fn show(progress: &SharedProgress, label: &'static str, bytes: bool) -> Option<Bar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let stop = Arc::new(AtomicBool::new(false));
    let (p, s) = (progress.clone(), stop.clone());
    let task = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if s.load(Ordering::Relaxed) {
            return;
        }
        let unit = if bytes {
            "{bytes}/{total_bytes}"
        } else {
            "{pos}/{len}"
        };
        let style =
            ProgressStyle::with_template(&format!("{{msg}} [{{bar:40}}] {unit} ({{eta}} lagi)"))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
        let bar = ProgressBar::new(p.get().1.max(1))
            .with_style(style)
            .with_message(label);
        while !s.load(Ordering::Relaxed) {
            let (done, total) = p.get();
            bar.set_length(total.max(done).max(1));
            bar.set_position(done);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bar.finish_and_clear();
    });
    Some(Bar { stop, task })
}
