//! Printing from async tasks (step 7, feature `async`): each client's lines go to stdout without
//! blocking the thread that all the clients' tasks share.
//!
//! Writing to stdout is a blocking call: a terminal that is scrolled back or paused, or a pipe
//! nobody reads, makes `write` wait. Inside an async task that would stop every other client on
//! the thread, so these writers go through [`tokio::io::stdout`], which does each write on
//! tokio's pool of threads for blocking work and lets the task wait at an `.await` meanwhile.
//! Each of tokio's writes is intact ("only individual writes … are guaranteed to be intact", its
//! docs), so a client's batch of lines goes in one write: lines of two clients never mix.
//!
//! As in example 04, a stdout that is gone (`| head -1`) or full stops the program with one
//! sentence ([`explain::cannot_print`]) and exit code 1: there is nobody left to tell.

use std::io;
use std::pin::Pin;
use std::process;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::explain;

/// Prints `lines` (whole lines) in one write and waits until they are out; stops the program
/// with one sentence if stdout is gone.
pub async fn print(lines: &[u8]) {
    let mut stdout = tokio::io::stdout();
    let written = stdout.write_all(lines).await;
    if let Err(err) = written.and(stdout.flush().await) {
        stop(&err)
    }
}

fn stop(err: &io::Error) -> ! {
    eprintln!("{}", explain::cannot_print(err));
    process::exit(1)
}

/// One client's output: each line gets the prefix `[PEER] `; `flush` prints the lines written
/// since the last flush (the lines of one read) in one write to stdout.
pub struct Prefixed {
    prefix: String,
    batch: Vec<u8>,
    /// How much of `batch` stdout has taken (a flush can wait half-way, at an `.await`).
    printed: usize,
    stdout: tokio::io::Stdout,
}

impl Prefixed {
    /// A writer whose lines start with `prefix`, e.g. `[127.0.0.1:50412] `.
    pub fn new(prefix: String) -> Prefixed {
        Prefixed {
            prefix,
            batch: Vec::new(),
            printed: 0,
            stdout: tokio::io::stdout(),
        }
    }
}

impl AsyncWrite for Prefixed {
    fn poll_write(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        let Prefixed { prefix, batch, .. } = self.get_mut();
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
        while this.printed < this.batch.len() {
            let rest = &this.batch[this.printed..];
            match ready!(Pin::new(&mut this.stdout).poll_write(cx, rest)) {
                Ok(0) => stop(&io::ErrorKind::WriteZero.into()),
                Ok(taken) => this.printed += taken,
                Err(err) => stop(&err),
            }
        }
        // Out of tokio's hands too: the batch is written, or stdout's error is here.
        if let Err(err) = ready!(Pin::new(&mut this.stdout).poll_flush(cx)) {
            stop(&err)
        }
        this.batch.clear();
        this.printed = 0;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}
