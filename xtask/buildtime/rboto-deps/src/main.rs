// Nothing to run: the build of the dependencies is the figure.
fn main() {}
