//! The WebAssembly component: maps the WIT contract (`wit/imaging.wit`) onto the engine. The only
//! module that knows about wit-bindgen: it converts the bindings' types to and from the
//! contract's plain Rust types (`localpix_contract`, which the engine uses as its own), and
//! nothing else.

wit_bindgen::generate!({ path: "../wit", world: "resizer" });

use exports::localpix::image::imaging as wit;

use localpix_contract as api;

use std::{cell::RefCell, rc::Rc};

use crate::pipeline;

struct Component;

export!(Component);

/// The `image` resource: one decoded image, shared with a `shared-encode` begun from it (which
/// reads its pixels rather than keeping a copy).
struct ImageResource(Rc<pipeline::Image>);

/// The `first-half` and `second-half` resources: a JPEG decoded by two engines at once. Their
/// methods take `&self`, and each step moves the half on.
struct FirstHalfResource(RefCell<pipeline::FirstHalf>);
struct SecondHalfResource(RefCell<pipeline::SecondHalf>);

/// The `shared-encode` resource: a JPEG encoded by two engines at once. `finish` takes the encode
/// out, so a second `finish` is an error rather than a trap.
struct SharedEncodeResource(RefCell<Option<pipeline::SharedEncode>>);

impl wit::Guest for Component {
    type Image = ImageResource;
    type FirstHalf = FirstHalfResource;
    type SecondHalf = SecondHalfResource;
    type SharedEncode = SharedEncodeResource;

    fn plan_halves(input: Vec<u8>, options: wit::DecodeOptions) -> Option<wit::HalvesPlan> {
        pipeline::plan_halves(&input, &decode_options(options)).map(Into::into)
    }

    fn quantize_band(band: wit::JpegBand) -> Result<Vec<u8>, wit::Error> {
        Ok(pipeline::quantize_band(&band.into())?)
    }

    fn resize_image(input: Vec<u8>, target: wit::Dimensions) -> Result<Vec<u8>, String> {
        pipeline::resize_image(&input, target.into())
    }

    fn probe(input: Vec<u8>) -> Result<wit::ImageInfo, wit::Error> {
        Ok(pipeline::probe(&input)?.into())
    }

    fn process(input: Vec<u8>, options: wit::Options) -> Result<wit::Output, wit::Error> {
        Ok(pipeline::process(&input, &options.into())?.into())
    }

    fn check_options(options: wit::Options) -> Result<wit::Options, wit::Error> {
        let options: api::Options = options.into();
        pipeline::check_options(&options)?;
        Ok(options.into())
    }

    fn default_options() -> wit::Options {
        pipeline::default_options().into()
    }
}

fn decode_options(options: wit::DecodeOptions) -> api::DecodeOptions {
    api::DecodeOptions { limits: options.limits.into(), intended_resize: options.intended_resize.map(Into::into) }
}

impl wit::GuestImage for ImageResource {
    fn decode(input: Vec<u8>, options: wit::DecodeOptions) -> Result<wit::Image, wit::Error> {
        Ok(wit::Image::new(ImageResource(Rc::new(pipeline::Image::decode(&input, &decode_options(options))?))))
    }

    fn info(&self) -> wit::ImageInfo {
        self.0.info().clone().into()
    }

    fn dimensions(&self) -> wit::Dimensions {
        self.0.dimensions().into()
    }

    fn resize(&self, options: wit::ResizeOptions) -> Result<wit::Image, wit::Error> {
        Ok(wit::Image::new(ImageResource(Rc::new(self.0.resize(&options.into())?))))
    }

    fn encode(&self, options: wit::EncodeOptions) -> Result<wit::Output, wit::Error> {
        Ok(self.0.encode(&options.into())?.into())
    }

    fn difference(&self, encoded: Vec<u8>, options: wit::EncodeOptions, magnify: u8) -> Result<wit::Output, wit::Error> {
        Ok(self.0.difference(&encoded, &options.into(), magnify)?.into())
    }
}

impl wit::GuestFirstHalf for FirstHalfResource {
    fn decode(input: Vec<u8>, options: wit::DecodeOptions, plan: wit::HalvesPlan) -> Result<wit::FirstHalf, wit::Error> {
        let half = pipeline::FirstHalf::decode(input, &decode_options(options), plan.into())?;
        Ok(wit::FirstHalf::new(FirstHalfResource(RefCell::new(half))))
    }

    fn seam(&self) -> Option<wit::Seam> {
        self.0.borrow().seam().map(Into::into)
    }

    fn finish(&self) -> Result<(), wit::Error> {
        Ok(self.0.borrow_mut().finish()?)
    }

    fn join(&self, second: Vec<u8>) -> Result<wit::Image, wit::Error> {
        Ok(wit::Image::new(ImageResource(Rc::new(self.0.borrow_mut().join(second)?))))
    }
}

impl wit::GuestSecondHalf for SecondHalfResource {
    fn decode(input: Vec<u8>, options: wit::DecodeOptions, plan: wit::HalvesPlan) -> Result<wit::SecondHalf, wit::Error> {
        let half = pipeline::SecondHalf::decode(input, &decode_options(options), plan.into())?;
        Ok(wit::SecondHalf::new(SecondHalfResource(RefCell::new(half))))
    }

    fn finish(&self, seam: wit::Seam) -> Result<Vec<u8>, wit::Error> {
        let seam = localpix_jpeg::halves::Seam::try_from(seam)?;
        Ok(self.0.borrow_mut().finish(seam)?)
    }
}

impl wit::GuestSharedEncode for SharedEncodeResource {
    fn begin(image: wit::ImageBorrow<'_>, options: wit::EncodeOptions) -> Result<Option<wit::SharedEncode>, wit::Error> {
        let image = Rc::clone(&image.get::<ImageResource>().0);
        let shared = pipeline::SharedEncode::begin(image, &options.into())?;
        Ok(shared.map(|shared| wit::SharedEncode::new(SharedEncodeResource(RefCell::new(Some(shared))))))
    }

    fn band(&self) -> Result<wit::JpegBand, wit::Error> {
        Ok(self.0.borrow().as_ref().ok_or_else(finished)?.band().into())
    }

    fn quantize(&self) -> Result<(), wit::Error> {
        Ok(self.0.borrow_mut().as_mut().ok_or_else(finished)?.quantize()?)
    }

    fn finish(&self, theirs: Option<Vec<u8>>) -> Result<wit::Output, wit::Error> {
        let shared = self.0.borrow_mut().take().ok_or_else(finished)?;
        Ok(shared.finish(theirs.as_deref())?.into())
    }
}

fn finished() -> api::Error {
    api::Error::invalid("This shared encode is finished.")
}

impl From<pipeline::JpegBand> for wit::JpegBand {
    fn from(band: pipeline::JpegBand) -> Self {
        wit::JpegBand {
            width: band.width,
            rows: band.rows,
            pixels: band.pixels,
            quality: band.quality,
            effort: band.effort.into(),
            chroma_subsampling: band.chroma_subsampling.into(),
        }
    }
}

impl From<wit::JpegBand> for pipeline::JpegBand {
    fn from(band: wit::JpegBand) -> Self {
        pipeline::JpegBand {
            width: band.width,
            rows: band.rows,
            pixels: band.pixels,
            quality: band.quality,
            effort: band.effort.into(),
            chroma_subsampling: band.chroma_subsampling.into(),
        }
    }
}

impl From<pipeline::HalvesPlan> for wit::HalvesPlan {
    fn from(plan: pipeline::HalvesPlan) -> Self {
        wit::HalvesPlan { second_from: plan.second_from, seam_after: plan.seam_after }
    }
}

impl From<wit::HalvesPlan> for pipeline::HalvesPlan {
    fn from(plan: wit::HalvesPlan) -> Self {
        pipeline::HalvesPlan { second_from: plan.second_from, seam_after: plan.seam_after }
    }
}

impl From<localpix_jpeg::halves::Seam> for wit::Seam {
    fn from(seam: localpix_jpeg::halves::Seam) -> Self {
        wit::Seam { row: seam.row, bit: seam.bit, predictions: seam.predictions.to_vec() }
    }
}

impl TryFrom<wit::Seam> for localpix_jpeg::halves::Seam {
    type Error = wit::Error;

    fn try_from(seam: wit::Seam) -> Result<Self, wit::Error> {
        let mut predictions = [0; 4];
        if seam.predictions.len() > predictions.len() {
            return Err(api::Error::invalid("A seam has at most four predictions.").into());
        }
        predictions[..seam.predictions.len()].copy_from_slice(&seam.predictions);
        Ok(localpix_jpeg::halves::Seam { row: seam.row, bit: seam.bit, predictions })
    }
}

impl From<wit::Dimensions> for api::Dimensions {
    fn from(d: wit::Dimensions) -> Self {
        api::Dimensions::new(d.width, d.height)
    }
}

impl From<api::Dimensions> for wit::Dimensions {
    fn from(d: api::Dimensions) -> Self {
        wit::Dimensions { width: d.width, height: d.height }
    }
}

impl From<wit::Rect> for api::Rect {
    fn from(r: wit::Rect) -> Self {
        api::Rect::new(r.left, r.top, r.width, r.height)
    }
}

impl From<api::Rect> for wit::Rect {
    fn from(r: api::Rect) -> Self {
        wit::Rect { left: r.left, top: r.top, width: r.width, height: r.height }
    }
}

impl From<api::Error> for wit::Error {
    fn from(e: api::Error) -> Self {
        use api::Error;
        match e {
            Error::UnsupportedFormat(m) => wit::Error::UnsupportedFormat(m),
            Error::MalformedInput(m) => wit::Error::MalformedInput(m),
            Error::TooLarge { dimensions, limit, message } => {
                wit::Error::TooLarge(wit::TooLargeError { dimensions: dimensions.into(), limit, message })
            }
            Error::InvalidOptions(m) => wit::Error::InvalidOptions(m),
            Error::EncodingFailed(m) => wit::Error::EncodingFailed(m),
            Error::BudgetUnreachable { max_bytes, smallest_bytes, message } => {
                wit::Error::BudgetUnreachable(wit::BudgetError { max_bytes, smallest_bytes, message })
            }
            Error::InvalidCrop { crop, picture, message } => {
                wit::Error::InvalidCrop(wit::CropError { crop: crop.into(), picture: picture.into(), message })
            }
            Error::CodecNotBuilt { codec, message } => wit::Error::CodecNotBuilt(wit::CodecError { codec: codec.into(), message }),
        }
    }
}

impl From<api::ImageFormat> for wit::ImageFormat {
    fn from(f: api::ImageFormat) -> Self {
        use api::ImageFormat as F;
        match f {
            F::Jpeg => Self::Jpeg,
            F::Png => Self::Png,
            F::WebP => Self::Webp,
            F::Gif => Self::Gif,
            F::Bmp => Self::Bmp,
            F::Tiff => Self::Tiff,
            F::Heic => Self::Heic,
            F::JpegXl => Self::JpegXl,
            F::Avif => Self::Avif,
        }
    }
}

impl From<api::ColorModel> for wit::ColorModel {
    fn from(c: api::ColorModel) -> Self {
        use api::ColorModel as C;
        match c {
            C::Gray => Self::Gray,
            C::Rgb => Self::Rgb,
            C::Palette => Self::Palette,
            C::Cmyk => Self::Cmyk,
        }
    }
}

impl From<api::ColorProfile> for wit::ColorProfile {
    fn from(p: api::ColorProfile) -> Self {
        let color_space = match p.color_space {
            api::ProfileColorSpace::Rgb => wit::ProfileColorSpace::Rgb,
            api::ProfileColorSpace::Gray => wit::ProfileColorSpace::Gray,
            api::ProfileColorSpace::Cmyk => wit::ProfileColorSpace::Cmyk,
            api::ProfileColorSpace::Other => wit::ProfileColorSpace::Other,
        };
        wit::ColorProfile { description: p.description, color_space, is_srgb: p.is_srgb, size: p.size }
    }
}

impl From<api::MetadataField> for wit::MetadataField {
    fn from(f: api::MetadataField) -> Self {
        use api::{MetadataGroup as G, SensitiveKind as S};
        let group = match f.group {
            G::Exif => wit::MetadataGroup::Exif,
            G::Gps => wit::MetadataGroup::Gps,
            G::Xmp => wit::MetadataGroup::Xmp,
            G::Iptc => wit::MetadataGroup::Iptc,
            G::Comment => wit::MetadataGroup::Comment,
            G::Thumbnail => wit::MetadataGroup::Thumbnail,
            G::ExtraData => wit::MetadataGroup::ExtraData,
        };
        let sensitive = f.sensitive.map(|s| match s {
            S::Location => wit::SensitiveKind::Location,
            S::Device => wit::SensitiveKind::Device,
            S::Person => wit::SensitiveKind::Person,
            S::HiddenContent => wit::SensitiveKind::HiddenContent,
            S::FreeText => wit::SensitiveKind::FreeText,
        });
        wit::MetadataField { group, name: f.name, value: f.value, sensitive }
    }
}

impl From<api::ImageInfo> for wit::ImageInfo {
    fn from(i: api::ImageInfo) -> Self {
        wit::ImageInfo {
            format: i.format.into(),
            dimensions: i.dimensions.into(),
            orientation: i.orientation.into(),
            has_alpha: i.has_alpha,
            bit_depth: i.bit_depth,
            color_model: i.color_model.into(),
            frame_count: i.frame_count,
            progressive: i.progressive,
            lossy: i.lossy,
            color_profile: i.color_profile.map(Into::into),
            metadata: i.metadata.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<wit::Limits> for api::Limits {
    fn from(l: wit::Limits) -> Self {
        Self { max_pixels: l.max_pixels, max_memory: l.max_memory }
    }
}

impl From<api::Limits> for wit::Limits {
    fn from(l: api::Limits) -> Self {
        Self { max_pixels: l.max_pixels, max_memory: l.max_memory }
    }
}

impl From<wit::ResizeMode> for api::ResizeMode {
    fn from(m: wit::ResizeMode) -> Self {
        match m {
            wit::ResizeMode::None => Self::None,
            wit::ResizeMode::FitWithin(d) => Self::FitWithin(d.into()),
            wit::ResizeMode::FitWidth(w) => Self::FitWidth(w),
            wit::ResizeMode::FitHeight(h) => Self::FitHeight(h),
            wit::ResizeMode::Cover(d) => Self::Cover(d.into()),
            wit::ResizeMode::Exact(d) => Self::Exact(d.into()),
            wit::ResizeMode::ScalePercent(p) => Self::ScalePercent(p),
        }
    }
}

impl From<api::ResizeMode> for wit::ResizeMode {
    fn from(m: api::ResizeMode) -> Self {
        use api::ResizeMode as M;
        match m {
            M::None => Self::None,
            M::FitWithin(d) => Self::FitWithin(d.into()),
            M::FitWidth(w) => Self::FitWidth(w),
            M::FitHeight(h) => Self::FitHeight(h),
            M::Cover(d) => Self::Cover(d.into()),
            M::Exact(d) => Self::Exact(d.into()),
            M::ScalePercent(p) => Self::ScalePercent(p),
        }
    }
}

/// Enums with the same cases on both sides, converted both ways.
macro_rules! same_cases {
    ($wit:ty, $ours:ty, $($case:ident),+) => {
        impl From<$wit> for $ours {
            fn from(v: $wit) -> Self {
                match v { $(<$wit>::$case => Self::$case),+ }
            }
        }
        impl From<$ours> for $wit {
            fn from(v: $ours) -> Self {
                match v { $(<$ours>::$case => Self::$case),+ }
            }
        }
    };
}

same_cases!(wit::Filter, api::Filter, Nearest, Box, Bilinear, CatmullRom, Mitchell, Lanczos3);
same_cases!(wit::Codec, api::Codec, TiffInput, HeicInput, JxlInput, WebpOutput, AvifOutput);
same_cases!(wit::OutputFormat, api::OutputFormat, SameAsInput, Jpeg, Png, Webp, WebpLossless, Avif);
same_cases!(wit::ChromaSubsampling, api::ChromaSubsampling, Yuv444, Yuv422, Yuv420);
same_cases!(wit::Effort, api::Effort, Fast, Balanced, Smallest);
same_cases!(wit::QualityTarget, api::QualityTarget, VisuallyLossless, High, Good);
same_cases!(wit::MetadataPolicy, api::MetadataPolicy, StripAll, KeepColorProfile, KeepSafe);
same_cases!(
    wit::Orientation,
    api::Orientation,
    Normal,
    FlipHorizontal,
    Rotate180,
    FlipVertical,
    Transpose,
    Rotate90,
    Transverse,
    Rotate270
);

impl From<wit::ResizeOptions> for api::ResizeOptions {
    fn from(o: wit::ResizeOptions) -> Self {
        Self {
            mode: o.mode.into(),
            filter: o.filter.into(),
            never_upscale: o.never_upscale,
            turn: o.turn.into(),
            crop: o.crop.map(Into::into),
        }
    }
}

impl From<api::ResizeOptions> for wit::ResizeOptions {
    fn from(o: api::ResizeOptions) -> Self {
        Self {
            mode: o.mode.into(),
            filter: o.filter.into(),
            never_upscale: o.never_upscale,
            turn: o.turn.into(),
            crop: o.crop.map(Into::into),
        }
    }
}

impl From<wit::Quality> for api::Quality {
    fn from(q: wit::Quality) -> Self {
        match q {
            wit::Quality::Fixed(quality) => Self::Fixed(quality),
            wit::Quality::Auto(target) => Self::Auto(target.into()),
        }
    }
}

impl From<api::Quality> for wit::Quality {
    fn from(q: api::Quality) -> Self {
        match q {
            api::Quality::Fixed(quality) => Self::Fixed(quality),
            api::Quality::Auto(target) => Self::Auto(target.into()),
        }
    }
}

impl From<wit::Encoding> for api::Encoding {
    fn from(e: wit::Encoding) -> Self {
        Self {
            format: e.format.into(),
            quality: e.quality.into(),
            effort: e.effort.into(),
            jpeg: api::JpegOptions { progressive: e.jpeg.progressive, chroma_subsampling: e.jpeg.chroma_subsampling.into() },
            png: api::PngOptions { palette_colors: e.png.palette_colors },
        }
    }
}

impl From<api::Encoding> for wit::Encoding {
    fn from(e: api::Encoding) -> Self {
        Self {
            format: e.format.into(),
            quality: e.quality.into(),
            effort: e.effort.into(),
            jpeg: wit::JpegOptions { progressive: e.jpeg.progressive, chroma_subsampling: e.jpeg.chroma_subsampling.into() },
            png: wit::PngOptions { palette_colors: e.png.palette_colors },
        }
    }
}

impl From<wit::EncodeOptions> for api::EncodeOptions {
    fn from(o: wit::EncodeOptions) -> Self {
        let background = api::Rgb { r: o.background.r, g: o.background.g, b: o.background.b };
        Self {
            encoding: o.encoding.into(),
            metadata: o.metadata.into(),
            background,
            max_bytes: o.max_bytes,
            score: o.score,
            keep_smaller_original: o.keep_smaller_original,
        }
    }
}

impl From<api::EncodeOptions> for wit::EncodeOptions {
    fn from(o: api::EncodeOptions) -> Self {
        let background = wit::Rgb { r: o.background.r, g: o.background.g, b: o.background.b };
        Self {
            encoding: o.encoding.into(),
            metadata: o.metadata.into(),
            background,
            max_bytes: o.max_bytes,
            score: o.score,
            keep_smaller_original: o.keep_smaller_original,
        }
    }
}

impl From<wit::Options> for api::Options {
    fn from(o: wit::Options) -> Self {
        Self { limits: o.limits.into(), resize: o.resize.into(), encode: o.encode.into() }
    }
}

impl From<api::Options> for wit::Options {
    fn from(o: api::Options) -> Self {
        Self { limits: o.limits.into(), resize: o.resize.into(), encode: o.encode.into() }
    }
}

impl From<api::Output> for wit::Output {
    fn from(o: api::Output) -> Self {
        let score = o.score.map(|s| wit::QualityScore { ssimulacra2: s.ssimulacra2, ssim: s.ssim });
        Self {
            bytes: o.bytes,
            format: o.format.into(),
            dimensions: o.dimensions.into(),
            quality: o.quality,
            score,
            kept_original: o.kept_original,
        }
    }
}
