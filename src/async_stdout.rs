//! Printing from async tasks (step 7, feature `async`): every client's lines go to stdout, and no
//! task ever waits inside a `write` to stdout.
//!
//! Writing to stdout is a blocking call: a terminal that is paused or scrolled back, or a pipe
//! nobody reads, makes `write` wait. Inside an async task that would stop every other client on
//! the thread (chapter 7). So the tasks hand their lines to one printing thread, through a queue
//! of at most [`MAX_QUEUED`] bytes: a task whose lines do not fit waits — at an `.await`, where the
//! thread goes on with the other tasks — until the printer has taken the queue. The queue is a
//! `std::sync::Mutex`, locked only between two `.await`s, never across one.
//!
//! As in example 04, a stdout that is gone (`| head -1`) or full stops the program with one
//! sentence ([`explain::cannot_print`]) and exit code 1: there is nobody left to tell.

use std::future::poll_fn;
use std::io::{self, Write};
use std::pin::Pin;
use std::process;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Waker};
use std::thread;

use chrono::NaiveDateTime;
use tokio::io::AsyncWrite;

use crate::explain;
use crate::server_log::ClientLog;

/// How many bytes may wait for the printer; a task with more waits until they are printed.
pub const MAX_QUEUED: usize = 1 << 20;

/// The lines waiting for the printing thread, and the tasks waiting for room in the queue.
#[derive(Default)]
struct Queue {
    bytes: Vec<u8>,
    waiting: Vec<Waker>,
}

struct Printer {
    queue: Mutex<Queue>,
    filled: Condvar,
}

impl Printer {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

/// The one printer, with its thread: started by the first line printed.
fn printer() -> &'static Printer {
    static PRINTER: OnceLock<Printer> = OnceLock::new();
    static STARTED: OnceLock<()> = OnceLock::new();
    let printer = PRINTER.get_or_init(|| Printer {
        queue: Mutex::new(Queue::default()),
        filled: Condvar::new(),
    });
    STARTED.get_or_init(|| {
        thread::Builder::new()
            .name("printer".to_owned())
            .spawn(move || print_forever(printer))
            .map(drop)
            .unwrap_or_else(|err| stop(&err));
    });
    printer
}

/// The printing thread: takes the whole queue, wakes the tasks that wait for room, writes.
fn print_forever(printer: &Printer) {
    let mut stdout = io::stdout().lock(); // only this thread prints
    loop {
        let (bytes, waiting) = {
            let mut queue = printer.lock();
            while queue.bytes.is_empty() {
                queue = printer
                    .filled
                    .wait(queue)
                    .unwrap_or_else(|poison| poison.into_inner());
            }
            let queue = &mut *queue;
            (
                std::mem::take(&mut queue.bytes),
                std::mem::take(&mut queue.waiting),
            )
        };
        waiting.into_iter().for_each(Waker::wake);
        if let Err(err) = stdout.write_all(&bytes).and_then(|()| stdout.flush()) {
            stop(&err)
        }
    }
}

fn stop(err: &io::Error) -> ! {
    eprintln!("{}", explain::cannot_print(err));
    process::exit(1)
}

/// Queues `lines` for the printer, or, if the queue is too full, registers the task to be woken
/// when the printer has taken it.
fn poll_queue(cx: &mut Context<'_>, lines: &[u8]) -> Poll<()> {
    let printer = printer();
    let mut queue = printer.lock();
    if !queue.bytes.is_empty() && queue.bytes.len() + lines.len() > MAX_QUEUED {
        queue.waiting.push(cx.waker().clone());
        return Poll::Pending;
    }
    queue.bytes.extend_from_slice(lines);
    printer.filled.notify_one();
    Poll::Ready(())
}

/// Prints `lines` (whole lines): waits, at an `.await`, only while the printer's queue is full.
pub async fn print(lines: &[u8]) {
    poll_fn(|cx| poll_queue(cx, lines)).await
}

/// The printing thread, as the writer of a [`ClientLog`]: one client's lines as example 04
/// prints them — the prefix `[PEER] `, the clock note after each timestamp (the same code,
/// `src/server_log.rs`) — from a task that never blocks.
///
/// `ClientLog::new(prefix, ToPrinter::default(), clock)` is an `AsyncWrite`: a write goes into
/// memory (the log's batch, noted at once: formatting never waits), and `flush` hands the lines
/// written since the last flush (those of one read) to the printer at once, so that lines never
/// mix — waiting, at an `.await`, only while the printer's queue is full.
#[derive(Debug, Default)]
pub struct ToPrinter {
    /// What the log's flushes wrote, not yet taken by the printer.
    lines: Vec<u8>,
}

/// In memory: never fails, never waits.
impl Write for ToPrinter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.lines.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<C: FnMut() -> NaiveDateTime + Unpin> AsyncWrite for ClientLog<ToPrinter, C> {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Write::write(self.get_mut(), bytes)) // into memory: takes everything, at once
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let log = self.get_mut();
        Write::flush(log)?; // the batch, with its notes, into `lines`: in memory
        let out = log.get_mut();
        if !out.lines.is_empty() {
            std::task::ready!(poll_queue(cx, &out.lines));
            out.lines.clear();
        }
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn a_tasks_pieces_are_noted_in_memory_and_wait_for_the_flush() {
        let now = NaiveDateTime::parse_from_str("2026-12-06 10:00:00.5", "%Y-%m-%d %H:%M:%S%.f")
            .expect("a test time");
        let mut log = ClientLog::new("[p] ", ToPrinter::default(), || now);
        for piece in [
            "client time: 2026-12",
            "-06 10:00:03\n",
            "not a timestamp: \"x\"\n",
        ] {
            // `AsyncWriteExt::write_all`, as exercise 7's `handle_client` writes.
            AsyncWriteExt::write_all(&mut log, piece.as_bytes())
                .await
                .expect("into memory");
        }
        assert!(
            log.get_mut().lines.is_empty(),
            "nothing leaves before the flush"
        );
        // Through the log, not the printer: what the flush would hand over.
        Write::flush(&mut log).expect("into memory");
        assert_eq!(
            String::from_utf8_lossy(&log.get_mut().lines),
            "[p] client time: 2026-12-06 10:00:03 (3 s ahead of this server)\n\
             [p] not a timestamp: \"x\"\n"
        );
    }
}
