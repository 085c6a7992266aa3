//! The `rboto` binary: see the library crate.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(rboto_cli::run(args));
}
