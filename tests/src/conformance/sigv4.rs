use std::process::ExitCode;

pub fn run_cli(_args: &[String]) -> Result<ExitCode, String> {
    Err("not implemented yet".into())
}
