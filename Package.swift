// swift-tools-version:6.0
import PackageDescription

// The interpreter and the kernel model keep their state in classes that only one
// thread touches; the dynamic exclusivity checks Swift adds to every class-property
// access cost several percent on the system-call path (swift_beginAccess in profiles).
//
// Swift's LLVM function-merging pass folds similar functions into one with an extra
// parameter; done to the interpreter's handlers it breaks their guaranteed tail calls
// (IA32Dispatch), so it is off for IA32. A handler whose only call is the tail call to
// the next one is a leaf: without a frame pointer it saves three instructions.
//
// Generic metadata for the concrete types a module names (an array of syscall entries, of
// file slots, of strings…) is reached through its accessor, and built by the compiler
// where it can be, rather than found by the runtime demangling the type's mangled name
// at first use: those lookups were a quarter of the host instructions of a program that
// only exits (1,527 k -> 1,318 k with both flags).
let prespecialize = ["-Xfrontend", "-prespecialize-generic-metadata",
                     "-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"]
let startUp: [SwiftSetting] = [.unsafeFlags(prespecialize, .when(configuration: .release))]
let hotLoop: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"] + prespecialize, .when(configuration: .release))]
let threadedDispatch: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked", "-Xfrontend", "-disable-llvm-merge-functions-pass",
                  "-Xcc", "-momit-leaf-frame-pointer"] + prespecialize,
                 .when(configuration: .release)),
]

// Three floors, every arrow pointing down: gate → Linux → IA32.
let package = Package(
    name: "Gate",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "IA32", targets: ["IA32"]),
        .library(name: "Linux", targets: ["Linux"]),
        .library(name: "X86Asm", targets: ["X86Asm"]),
        .executable(name: "gate", targets: ["gate"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The processor: registers, lazy EFLAGS, segments, guest memory, decoder and
        // execution. Knows nothing of Linux.
        .target(name: "IA32", dependencies: ["IA32Dispatch"], swiftSettings: threadedDispatch),
        // The interpreter's direct-threaded dispatch: a C shim per operation that runs its
        // Swift body and tail-calls the next instruction's handler (musttail).
        .target(name: "IA32Dispatch"),
        // A small i386 encoder: builds the kernel entry text, the vDSO and test programs.
        .target(name: "X86Asm", swiftSettings: startUp),
        // The kernel side: ELF loading, the initial stack, the system-call gate.
        .target(name: "Linux", dependencies: ["IA32", "X86Asm", "CHostCalls"], swiftSettings: hotLoop),
        // Host C library calls Swift's Glibc module leaves out (statfs, renameat2).
        .target(name: "CHostCalls"),
        .executableTarget(
            name: "gate",
            dependencies: ["Linux", "IA32", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: startUp,
            // A static executable on Linux: `gate run hello` then starts without the dynamic
            // linker resolving and relocating a dozen libraries (about 1.7 M instructions and
            // 3 ms of page faults; start-up time and resident memory both count).
            linkerSettings: [.unsafeFlags(["-static-executable", "-l_FoundationCollections", "-l_FoundationCShims", "-lswiftSynchronization"], .when(platforms: [.linux]))]),
        // Long-running decoder/executor fuzzer: millions of random byte sequences.
        .executableTarget(name: "GateFuzz", dependencies: ["IA32"]),
        .testTarget(name: "IA32Tests", dependencies: ["IA32"], exclude: ["UNDEFINED-FLAGS.md"], resources: [.copy("Corpus")]),
        .testTarget(name: "LinuxTests", dependencies: ["Linux", "IA32", "X86Asm"], resources: [.copy("Programs")]),
        .testTarget(name: "X86AsmTests", dependencies: ["X86Asm"], resources: [.copy("Disassembly")]),
    ],
    swiftLanguageModes: [.v5]
)
