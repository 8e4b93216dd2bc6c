fn main() {
    duely_frontend::start();
}
