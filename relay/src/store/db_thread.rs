//! A database connection owned by one dedicated OS thread. Async callers send it
//! closures and await the answer, so SQLite never blocks a tokio worker.

use std::sync::mpsc;
use std::thread;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::StoreError;

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Handle to the thread; cloning it shares the thread. The thread ends when the
/// last handle is dropped, after finishing the jobs already sent.
#[derive(Debug, Clone)]
pub struct DbThread {
    jobs: mpsc::Sender<Job>,
}

impl DbThread {
    /// Starts the thread, which opens the connection itself with `open`: the
    /// connection is created on, and never leaves, that thread.
    pub async fn spawn(
        name: &str,
        open: impl FnOnce() -> Result<Connection, StoreError> + Send + 'static,
    ) -> Result<Self, StoreError> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (opened_tx, opened) = oneshot::channel();
        thread::Builder::new().name(name.to_owned()).spawn(move || {
            let mut conn = match open() {
                Ok(conn) => conn,
                Err(e) => {
                    let _ = opened_tx.send(Err(e));
                    return;
                }
            };
            let _ = opened_tx.send(Ok(()));
            for job in rx {
                job(&mut conn);
            }
        })?;
        opened.await.map_err(|_| StoreError::Stopped)??;
        Ok(Self { jobs })
    }

    /// Runs `f` on the database thread and returns its result.
    pub async fn call<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            // The caller may have gone away; then nobody wants the answer.
            let _ = tx.send(f(conn));
        });
        self.jobs.send(job).map_err(|_| StoreError::Stopped)?;
        rx.await.map_err(|_| StoreError::Stopped)?
    }
}
