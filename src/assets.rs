//! Everything the app ships, embedded in the binary: the bundled fonts (OFL) and the sample
//! corpus, so an installed binary works from anywhere.

/// A bundled font file.
pub struct BundledFont {
    pub file_name: &'static str,
    pub data: &'static [u8],
}

pub const NOTO_NASKH_ARABIC_REGULAR: BundledFont = BundledFont {
    file_name: "NotoNaskhArabic-Regular.ttf",
    data: include_bytes!("../fonts/NotoNaskhArabic-Regular.ttf"),
};
pub const NOTO_NASKH_ARABIC_BOLD: BundledFont = BundledFont {
    file_name: "NotoNaskhArabic-Bold.ttf",
    data: include_bytes!("../fonts/NotoNaskhArabic-Bold.ttf"),
};
pub const NOTO_SANS_ARABIC_REGULAR: BundledFont = BundledFont {
    file_name: "NotoSansArabic-Regular.ttf",
    data: include_bytes!("../fonts/NotoSansArabic-Regular.ttf"),
};
pub const NOTO_SANS_ARABIC_BOLD: BundledFont = BundledFont {
    file_name: "NotoSansArabic-Bold.ttf",
    data: include_bytes!("../fonts/NotoSansArabic-Bold.ttf"),
};
pub const NOTO_SANS_REGULAR: BundledFont =
    BundledFont { file_name: "NotoSans-Regular.ttf", data: include_bytes!("../fonts/NotoSans-Regular.ttf") };
pub const NOTO_SANS_BOLD: BundledFont =
    BundledFont { file_name: "NotoSans-Bold.ttf", data: include_bytes!("../fonts/NotoSans-Bold.ttf") };

/// All bundled fonts, Arabic first.
pub const FONTS: [BundledFont; 6] = [
    NOTO_NASKH_ARABIC_REGULAR,
    NOTO_NASKH_ARABIC_BOLD,
    NOTO_SANS_ARABIC_REGULAR,
    NOTO_SANS_ARABIC_BOLD,
    NOTO_SANS_REGULAR,
    NOTO_SANS_BOLD,
];

/// One bundled sample article: file name and raw bytes.
pub struct SampleArticle {
    pub file_name: &'static str,
    pub bytes: &'static [u8],
}

macro_rules! sample {
    ($name:literal) => {
        SampleArticle { file_name: $name, bytes: include_bytes!(concat!("../assets/samples/", $name)) }
    };
}

/// The bundled sample corpus (opened when no folder is given).
pub const SAMPLES: [SampleArticle; 5] = [
    sample!("000_c681d4f228b4c103.txt"),
    sample!("001_395fba7793f6db4e.txt"),
    sample!("002_e8b1088e4e369423.txt"),
    sample!("003_e6a39a29327ab8d5.txt"),
    sample!("004_91d95a206645ba14.txt"),
];
