//! The bindings' types (wasmtime's `bindgen!` from `wit/`) to and from the contract's plain types,
//! which the settings, the names and the reports speak. Only the directions the CLI uses: options
//! go in; info, errors and formats come out. The component does the same on its side with
//! wit-bindgen's types (core-component/src/component.rs); the two generators give distinct types,
//! so the mapping cannot be shared.

use localpix_contract as api;

use crate::engine::wit;

/// Enums with the same cases on both sides, one way.
macro_rules! same_cases {
    ($from:ty => $to:ty: $($case:ident),+) => {
        impl Convert<$to> for $from {
            fn convert(self) -> $to {
                match self { $(<$from>::$case => <$to>::$case),+ }
            }
        }
    };
}

/// `From`, which the orphan rule refuses here for the contract's types.
pub trait Convert<T> {
    fn convert(self) -> T;
}

impl<A: Convert<B>, B> Convert<Option<B>> for Option<A> {
    fn convert(self) -> Option<B> {
        self.map(Convert::convert)
    }
}

impl Convert<wit::Dimensions> for api::Dimensions {
    fn convert(self) -> wit::Dimensions {
        wit::Dimensions { width: self.width, height: self.height }
    }
}

impl Convert<api::Dimensions> for wit::Dimensions {
    fn convert(self) -> api::Dimensions {
        api::Dimensions::new(self.width, self.height)
    }
}

same_cases!(wit::Codec => api::Codec: TiffInput, HeicInput, JxlInput, WebpOutput, AvifOutput);
same_cases!(api::Filter => wit::Filter: Nearest, Box, Bilinear, CatmullRom, Mitchell, Lanczos3);
same_cases!(api::OutputFormat => wit::OutputFormat: SameAsInput, Jpeg, Png, Webp, WebpLossless, Avif);
same_cases!(api::ChromaSubsampling => wit::ChromaSubsampling: Yuv444, Yuv422, Yuv420);
same_cases!(api::Effort => wit::Effort: Fast, Balanced, Smallest);
same_cases!(api::QualityTarget => wit::QualityTarget: VisuallyLossless, High, Good);
same_cases!(api::MetadataPolicy => wit::MetadataPolicy: StripAll, KeepColorProfile, KeepSafe);
same_cases!(wit::Orientation => api::Orientation: Normal, FlipHorizontal, Rotate180, FlipVertical, Transpose, Rotate90, Transverse, Rotate270);
same_cases!(api::Orientation => wit::Orientation: Normal, FlipHorizontal, Rotate180, FlipVertical, Transpose, Rotate90, Transverse, Rotate270);
same_cases!(wit::ColorModel => api::ColorModel: Gray, Rgb, Palette, Cmyk);
same_cases!(wit::ProfileColorSpace => api::ProfileColorSpace: Rgb, Gray, Cmyk, Other);
same_cases!(wit::MetadataGroup => api::MetadataGroup: Exif, Gps, Xmp, Iptc, Comment, Thumbnail, ExtraData);
same_cases!(wit::SensitiveKind => api::SensitiveKind: Location, Device, Person, HiddenContent, FreeText);

impl Convert<api::ImageFormat> for wit::ImageFormat {
    fn convert(self) -> api::ImageFormat {
        use wit::ImageFormat as F;
        match self {
            F::Jpeg => api::ImageFormat::Jpeg,
            F::Png => api::ImageFormat::Png,
            F::Webp => api::ImageFormat::WebP,
            F::Gif => api::ImageFormat::Gif,
            F::Bmp => api::ImageFormat::Bmp,
            F::Tiff => api::ImageFormat::Tiff,
            F::Heic => api::ImageFormat::Heic,
            F::JpegXl => api::ImageFormat::JpegXl,
            F::Avif => api::ImageFormat::Avif,
        }
    }
}

impl Convert<wit::Options> for api::Options {
    fn convert(self) -> wit::Options {
        let api::Options { limits, resize, encode } = self;
        let encoding = encode.encoding;
        let mode = match resize.mode {
            api::ResizeMode::None => wit::ResizeMode::None,
            api::ResizeMode::FitWithin(d) => wit::ResizeMode::FitWithin(d.convert()),
            api::ResizeMode::FitWidth(w) => wit::ResizeMode::FitWidth(w),
            api::ResizeMode::FitHeight(h) => wit::ResizeMode::FitHeight(h),
            api::ResizeMode::Cover(d) => wit::ResizeMode::Cover(d.convert()),
            api::ResizeMode::Exact(d) => wit::ResizeMode::Exact(d.convert()),
            api::ResizeMode::ScalePercent(p) => wit::ResizeMode::ScalePercent(p),
        };
        let quality = match encoding.quality {
            api::Quality::Fixed(q) => wit::Quality::Fixed(q),
            api::Quality::Auto(target) => wit::Quality::Auto(target.convert()),
        };
        wit::Options {
            limits: wit::Limits { max_pixels: limits.max_pixels, max_memory: limits.max_memory },
            resize: wit::ResizeOptions {
                mode,
                filter: resize.filter.convert(),
                never_upscale: resize.never_upscale,
                turn: resize.turn.convert(),
                crop: resize.crop.map(|r| wit::Rect { left: r.left, top: r.top, width: r.width, height: r.height }),
            },
            encode: wit::EncodeOptions {
                encoding: wit::Encoding {
                    format: encoding.format.convert(),
                    quality,
                    effort: encoding.effort.convert(),
                    jpeg: wit::JpegOptions {
                        progressive: encoding.jpeg.progressive,
                        chroma_subsampling: encoding.jpeg.chroma_subsampling.convert(),
                    },
                    png: wit::PngOptions { palette_colors: encoding.png.palette_colors },
                },
                metadata: encode.metadata.convert(),
                background: wit::Rgb { r: encode.background.r, g: encode.background.g, b: encode.background.b },
                max_bytes: encode.max_bytes,
                score: encode.score,
                keep_smaller_original: encode.keep_smaller_original,
            },
        }
    }
}

impl Convert<api::ImageInfo> for wit::ImageInfo {
    fn convert(self) -> api::ImageInfo {
        api::ImageInfo {
            format: self.format.convert(),
            dimensions: self.dimensions.convert(),
            orientation: self.orientation.convert(),
            has_alpha: self.has_alpha,
            bit_depth: self.bit_depth,
            color_model: self.color_model.convert(),
            frame_count: self.frame_count,
            progressive: self.progressive,
            lossy: self.lossy,
            color_profile: self.color_profile.map(|p| api::ColorProfile {
                description: p.description,
                color_space: p.color_space.convert(),
                is_srgb: p.is_srgb,
                size: p.size,
            }),
            metadata: self
                .metadata
                .into_iter()
                .map(|f| api::MetadataField { group: f.group.convert(), name: f.name, value: f.value, sensitive: f.sensitive.convert() })
                .collect(),
        }
    }
}

impl Convert<api::Error> for wit::Error {
    fn convert(self) -> api::Error {
        match self {
            wit::Error::UnsupportedFormat(m) => api::Error::UnsupportedFormat(m),
            wit::Error::MalformedInput(m) => api::Error::MalformedInput(m),
            wit::Error::TooLarge(e) => api::Error::TooLarge { dimensions: e.dimensions.convert(), limit: e.limit, message: e.message },
            wit::Error::InvalidOptions(m) => api::Error::InvalidOptions(m),
            wit::Error::EncodingFailed(m) => api::Error::EncodingFailed(m),
            wit::Error::BudgetUnreachable(e) => {
                api::Error::BudgetUnreachable { max_bytes: e.max_bytes, smallest_bytes: e.smallest_bytes, message: e.message }
            }
            wit::Error::InvalidCrop(e) => api::Error::InvalidCrop {
                crop: api::Rect::new(e.crop.left, e.crop.top, e.crop.width, e.crop.height),
                picture: e.picture.convert(),
                message: e.message,
            },
            wit::Error::CodecNotBuilt(e) => api::Error::CodecNotBuilt { codec: e.codec.convert(), message: e.message },
        }
    }
}

impl Convert<api::Output> for wit::Output {
    fn convert(self) -> api::Output {
        api::Output {
            bytes: self.bytes,
            format: self.format.convert(),
            dimensions: self.dimensions.convert(),
            quality: self.quality,
            score: self.score.map(|s| api::QualityScore { ssimulacra2: s.ssimulacra2, ssim: s.ssim }),
            kept_original: self.kept_original,
        }
    }
}
