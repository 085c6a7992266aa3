//! `rboto`: the AWS CLI's command line for any operation of any service, without Python.
//!
//! `rboto <service> <operation> [--member value]…` reads the service's botocore model from an
//! archive embedded in the binary (only that service is decompressed), builds the argument
//! table the way awscli does, sends the call through the runtime's dynamic client and prints
//! the response as the AWS CLI would. See `README.md` for the command line.

pub mod args;
pub mod command;
pub mod configure;
pub mod customize;
mod debug;
pub mod dynamic;
pub mod error;
pub mod globals;
pub mod handlers;
pub mod help;
pub mod jmespath;
pub mod models;
pub mod names;
pub mod output;
pub mod paramfile;
pub mod s3;
pub mod shorthand;

/// The runtime's static schema types (the dynamic client hands these out).
pub mod schema {
    pub use rboto::__private::schema::*;
}

use error::{exit, CliError};

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn top_help() -> String {
    let mut out = String::from(
        "rboto\n\nusage: rboto [options] <command> <subcommand> [parameters]\n\n\
         The AWS CLI's command line, without Python. Commands:\n\n",
    );
    out.push_str("    o configure\n    o s3\n");
    for s in models::service_names() {
        out.push_str(&format!("    o {}\n", names::command_for_service(s)));
    }
    out
}

async fn dispatch(args: Vec<String>) -> Result<i32, CliError> {
    let (globals, rest) = globals::split(&args)?;
    if globals.version {
        println!("rboto/{VERSION}");
        return Ok(0);
    }
    let Some(command) = rest.first() else {
        return Err(CliError::usage(
            "the following arguments are required: command",
        ));
    };
    match command.as_str() {
        "help" => {
            print!("{}", top_help());
            Ok(0)
        }
        "configure" => configure::run(&rest[1..], &globals).await,
        "s3" => {
            let config = globals.config().await?;
            Ok(s3::run(&rest[1..], &config).await)
        }
        other => command::run(other, &rest[1..], &globals).await,
    }
}

/// Runs the command line `args` (without the program name) and returns the exit code; errors
/// are written to stderr as the AWS CLI writes them. Ctrl-C ends the command with 130.
pub fn run(args: Vec<String>) -> i32 {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("\ncannot start the async runtime: {e}");
            return exit::OTHER;
        }
    };
    runtime.block_on(async {
        tokio::select! {
            result = dispatch(args) => match result {
                Ok(code) => code,
                Err(e) => {
                    eprint!("{}", e.stderr_text());
                    e.code
                }
            },
            _ = tokio::signal::ctrl_c() => {
                println!();
                exit::INTERRUPTED
            }
        }
    })
}
