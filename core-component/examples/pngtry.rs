use localpix_core::{
    encode::OutputFormat,
    pipeline::{DecodeOptions, Image},
    resize::ResizeMode,
};
fn main() {
    for (path, width) in [("/work/shared/corpus/patak-5120x2880-rgba.png", 1280u32), ("/work/shared/corpus/kleiber-6028x3391.jpg", 1920)] {
        let input = std::fs::read(path).unwrap();
        let mut o = localpix_core::default_options();
        o.resize.mode = ResizeMode::FitWidth(width);
        let img =
            Image::decode(&input, &DecodeOptions { limits: o.limits, intended_resize: Some(o.resize) }).unwrap().resize(&o.resize).unwrap();
        let px = img.into_pixels_upright();
        let name = path.rsplit('/').next().unwrap();
        let mut enc = o.encode;
        enc.encoding.format = OutputFormat::Png;
        let raw = format!("/tmp/calib/{name}-{width}.rgba");
        std::fs::write(&raw, &px.data).unwrap();
        println!("{name} {}x{} {:?}", px.size.width, px.size.height, px.layout);
        for (label, comp) in [
            ("fdeflate", png::DeflateCompression::FdeflateUltraFast),
            ("l1", png::DeflateCompression::Level(1)),
            ("l2", png::DeflateCompression::Level(2)),
            ("l3", png::DeflateCompression::Level(3)),
            ("l6", png::DeflateCompression::Level(6)),
        ] {
            for (fl, filter) in [
                ("adaptive", png::Filter::Adaptive),
                ("paeth", png::Filter::Paeth),
                ("up", png::Filter::Up),
                ("minent", png::Filter::MinEntropy),
            ] {
                let t = std::time::Instant::now();
                let mut out = Vec::new();
                let mut info = png::Info::with_size(px.size.width, px.size.height);
                info.color_type = if px.layout.channels() == 4 { png::ColorType::Rgba } else { png::ColorType::Rgb };
                info.bit_depth = png::BitDepth::Eight;
                let mut e = png::Encoder::with_info(&mut out, info).unwrap();
                e.set_deflate_compression(comp);
                e.set_filter(filter);
                let mut w = e.write_header().unwrap();
                w.write_image_data(&px.data).unwrap();
                w.finish().unwrap();
                println!("  {label:9} {fl:9} {:9} bytes {:5} ms", out.len(), t.elapsed().as_millis());
            }
        }
    }
}
