// scratch: resized reference PNG + our JPEGs at several efforts and qualities
use localpix_core::{
    Dimensions,
    encode::{Effort, OutputFormat, Quality},
    pipeline::{DecodeOptions, Image},
    resize::ResizeMode,
};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let input = std::fs::read(&args[1]).unwrap();
    let out = &args[2];
    let mut options = localpix_core::default_options();
    options.resize.mode = ResizeMode::FitWidth(1920);
    let image = Image::decode(&input, &DecodeOptions { limits: options.limits, intended_resize: Some(options.resize) }).unwrap();
    let resized = image.resize(&options.resize).unwrap();
    let mut enc = options.encode;
    enc.encoding.format = OutputFormat::Png;
    std::fs::write(format!("{out}-ref.png"), resized.encode(&enc).unwrap().bytes).unwrap();
    enc.encoding.format = OutputFormat::Jpeg;
    for effort in [Effort::Fast, Effort::Balanced, Effort::Smallest] {
        for q in [80u8, 82, 83, 84] {
            enc.encoding.effort = effort;
            enc.encoding.quality = Quality::Fixed(q);
            enc.score = false;
            let t = std::time::Instant::now();
            let _ = resized.encode(&enc).unwrap();
            let ms = t.elapsed().as_millis();
            enc.score = true;
            let t = std::time::Instant::now();
            let o = resized.encode(&enc).unwrap();
            let ms2 = t.elapsed().as_millis();
            println!("encode {ms} ms, encode+score {ms2} ms");
            let s = o.score.unwrap();
            println!("{out} {effort:?} q{q} {} bytes ssimulacra2(ours) {:.2} ssim {:.4} {ms}ms", o.bytes.len(), s.ssimulacra2, s.ssim);
            std::fs::write(format!("{out}-{effort:?}-{q}.jpg"), &o.bytes).unwrap();
        }
    }
    let _ = Dimensions::new(1, 1);
}
