//! What `cp`/`rm` print as they go (awscli `results.ResultPrinter`): a line per finished job
//! on standard output, failures and warnings on standard error, and on a terminal a progress
//! line rewritten in place (`\r`) that later lines are padded over.

use super::args::Args;
use super::format::human_readable_size;
use super::transfer::Job;
use super::{Console, EXIT_FAILED, EXIT_SKIPPED};
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The progress line's counters, shared with the transfer's progress callback.
struct Line {
    total_bytes: u64,
    /// Bytes of finished jobs.
    done_bytes: u64,
    /// Bytes of the running job.
    current: u64,
    files_total: usize,
    files_done: usize,
    started: Instant,
    /// Characters of the progress line on screen, which the next line must cover.
    length: usize,
}

impl Line {
    fn text(&self) -> String {
        let remaining = self.files_total.saturating_sub(self.files_done);
        if self.total_bytes == 0 {
            return format!(
                "Completed {} file(s) with {remaining} file(s) remaining",
                self.files_done
            );
        }
        let done = self.done_bytes + self.current;
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        format!(
            "Completed {}/{} ({}/s) with {remaining} file(s) remaining",
            human_readable_size(done),
            human_readable_size(self.total_bytes),
            human_readable_size((done as f64 / secs) as u64)
        )
    }

    /// Rewrites the progress line on the terminal.
    fn show(&mut self) {
        let text = self.text();
        let padded = format!("{text:<width$}\r", width = self.length);
        self.length = padded.chars().count() - 1;
        let mut out = std::io::stdout();
        let _ = out.write_all(padded.as_bytes());
        let _ = out.flush();
    }
}

/// The progress callback of one transfer.
#[derive(Clone)]
pub(super) struct Progress(Arc<Mutex<Line>>);

impl Progress {
    pub fn update(&self, bytes_done: u64) {
        if let Ok(mut line) = self.0.lock() {
            line.current = bytes_done;
            line.show();
        }
    }
}

/// Prints the results of a command's jobs and works out its exit code.
pub(super) struct Report {
    quiet: bool,
    only_errors: bool,
    pub dryrun: bool,
    show_progress: bool,
    errors: usize,
    warnings: usize,
    line: Arc<Mutex<Line>>,
}

impl Report {
    pub fn new(args: &Args, terminal: bool, files: usize, bytes: u64) -> Report {
        let quiet = args.flag("quiet");
        let only_errors = args.flag("only-show-errors");
        let dryrun = args.flag("dryrun");
        Report {
            quiet,
            only_errors,
            dryrun,
            show_progress: terminal && !quiet && !only_errors && !args.flag("no-progress"),
            errors: 0,
            warnings: 0,
            line: Arc::new(Mutex::new(Line {
                total_bytes: bytes,
                done_bytes: 0,
                current: 0,
                files_total: files,
                files_done: 0,
                started: Instant::now(),
                length: 0,
            })),
        }
    }

    /// The progress callback for the next job, when a progress line is shown.
    pub fn progress_for(&self, stream: bool) -> Option<Progress> {
        (self.show_progress && !stream).then(|| Progress(self.line.clone()))
    }

    /// Counts a job as done, and pads `statement` over the progress line.
    fn finish(&mut self, size: u64, statement: &str) -> (String, bool) {
        let mut line = self.line.lock().unwrap_or_else(|e| e.into_inner());
        line.done_bytes += size;
        line.current = 0;
        line.files_done += 1;
        let padded = format!("{statement:<width$}\n", width = line.length);
        line.length = 0;
        (padded, line.files_done < line.files_total)
    }

    fn redisplay(&self, more: bool) {
        if self.show_progress && more {
            if let Ok(mut line) = self.line.lock() {
                line.show();
            }
        }
    }

    pub fn success(&mut self, console: &mut Console<'_>, job: &Job, size: u64) {
        let statement = format!("{}: {}", job.kind(), job.location());
        let (padded, more) = self.finish(size, &statement);
        if !self.quiet && !self.only_errors {
            console.print(&padded);
        }
        self.redisplay(more);
    }

    /// A job that prints nothing when it succeeds (streams).
    pub fn done_quietly(&mut self, size: u64) {
        let _ = self.finish(size, "");
    }

    pub fn failure(&mut self, console: &mut Console<'_>, job: &Job, message: &str, size: u64) {
        self.errors += 1;
        let statement = format!("{} failed: {} {message}", job.kind(), job.location());
        let (padded, more) = self.finish(size, &statement);
        if !self.quiet {
            console.eprint(&padded);
        }
        self.redisplay(more);
    }

    pub fn warning(&mut self, console: &mut Console<'_>, message: &str) {
        self.warnings += 1;
        if !self.quiet {
            console.eprint(&format!("{message}\n"));
        }
    }

    pub fn fatal(&mut self, console: &mut Console<'_>, message: &str) {
        self.errors += 1;
        if !self.quiet {
            console.eprint(&format!("fatal error: {message}\n"));
        }
    }

    pub fn dry_run(&mut self, console: &mut Console<'_>, job: &Job) {
        if !self.quiet {
            console.print(&format!("(dryrun) {}: {}\n", job.kind(), job.location()));
        }
    }

    /// 1 when anything failed, 2 when files were skipped, else 0 (awscli's rules).
    pub fn exit_code(&self) -> i32 {
        if self.errors > 0 {
            EXIT_FAILED
        } else if self.warnings > 0 {
            EXIT_SKIPPED
        } else {
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(total_bytes: u64, files_total: usize) -> Line {
        Line {
            total_bytes,
            done_bytes: 0,
            current: 0,
            files_total,
            files_done: 0,
            started: Instant::now(),
            length: 0,
        }
    }

    #[test]
    fn progress_text_as_awscli() {
        let mut l = line(2048, 3);
        l.done_bytes = 1024;
        l.files_done = 1;
        let text = l.text();
        assert!(
            text.starts_with("Completed 1.0 KiB/2.0 KiB (")
                && text.ends_with("/s) with 2 file(s) remaining"),
            "{text}"
        );
        let mut empty = line(0, 2);
        empty.files_done = 1;
        assert_eq!(empty.text(), "Completed 1 file(s) with 1 file(s) remaining");
    }

    #[test]
    fn lines_after_progress_cover_it() {
        let args = Args::default();
        let mut report = Report::new(&args, false, 2, 10);
        report.line.lock().unwrap().length = 40;
        let (padded, more) = report.finish(5, "upload: ./a to s3://b/a");
        assert_eq!(padded.len(), 41);
        assert!(padded.ends_with(" \n"));
        assert!(more);
        let (padded, more) = report.finish(5, "upload: ./b to s3://b/b");
        assert_eq!(padded, "upload: ./b to s3://b/b\n");
        assert!(!more);
    }
}
