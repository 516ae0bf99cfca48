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

use tokio::io::AsyncWrite;

use crate::explain;

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

/// One client's output: each line gets the prefix `[PEER] `; `flush` hands the lines written
/// since the last flush (the lines of one read) to the printer at once: lines never mix.
pub struct Prefixed {
    prefix: String,
    batch: Vec<u8>,
}

impl Prefixed {
    /// A writer whose lines start with `prefix`, e.g. `[127.0.0.1:50412] `.
    pub fn new(prefix: String) -> Prefixed {
        Prefixed {
            prefix,
            batch: Vec::new(),
        }
    }
}

impl AsyncWrite for Prefixed {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        let Prefixed { prefix, batch } = self.get_mut();
        for piece in bytes.split_inclusive(|&byte| byte == b'\n') {
            if batch.is_empty() || batch.ends_with(b"\n") {
                batch.extend_from_slice(prefix.as_bytes());
            }
            batch.extend_from_slice(piece);
        }
        Poll::Ready(Ok(bytes.len())) // into memory: takes everything, at once
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.batch.is_empty() {
            std::task::ready!(poll_queue(cx, &this.batch));
            this.batch.clear();
        }
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}
