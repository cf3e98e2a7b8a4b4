fn main() {
    localpix_app::start();
}
