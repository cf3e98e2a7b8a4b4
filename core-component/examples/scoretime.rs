use localpix_core::{
    pipeline::{DecodeOptions, Image},
    score,
};
fn main() {
    let a = std::fs::read("/tmp/calib/kleiber-ref.png").unwrap();
    let b = std::fs::read("/tmp/calib/kleiber-Balanced-80.jpg").unwrap();
    let pa = Image::decode(&a, &DecodeOptions::default()).unwrap().into_pixels_upright();
    let pb = Image::decode(&b, &DecodeOptions::default()).unwrap().into_pixels_upright();
    let t = std::time::Instant::now();
    let s2 = score::ssimulacra2_of(&pa, &pb);
    println!("ssimulacra2 {:?} {} ms", s2, t.elapsed().as_millis());
    let t = std::time::Instant::now();
    let s = score::score(&pa, &pb);
    println!("both {:?} {} ms", s, t.elapsed().as_millis());
}
