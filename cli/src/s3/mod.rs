// replaced by branch clifmt
//! `rboto s3 <ls|cp|mb|rb|rm|presign>` (stub until branch clifmt lands).

use crate::output::OutputSettings;

/// Runs a high-level S3 command; `args` are what follows `s3`. Returns the exit code.
pub async fn run(args: &[String], config: &rboto::Config, output: &OutputSettings) -> i32 {
    // replaced by branch clifmt
    let _ = (args, config, output);
    eprintln!("\nrboto s3: the high-level S3 commands are not built in yet\n");
    crate::error::exit::OTHER
}
