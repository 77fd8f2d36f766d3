import IA32

/// `struct _fpstate` in a signal frame (include/asm-i386/sigcontext.h), as save_i387 and
/// restore_i387 (arch/i386/kernel/i387.c) write and read it. It always starts with the
/// fnsave image (the environment, each 16-bit field in a dword, and ST(0)…ST(7) as ten
/// bytes each), then `status` and `magic`. On a CPU with FXSR the kernel keeps the
/// task's FPU as an fxsave image: it converts it to the fnsave part
/// (convert_fxsr_to_user), sets magic 0x0000, and appends the 512-byte image itself.
/// Without FXSR (`--cpu pentium`) it copies its fnsave image and sets magic 0xffff.
///
/// sigreturn reads the fxsave image back and then folds the fnsave part over it
/// (convert_fxsr_from_user): the x87 registers and environment come from the fnsave
/// part, which is the one a handler edits.
public enum FPUFrame {
    /// sizeof(struct _fpstate): the fnsave part (112 bytes with status and magic), the
    /// 512-byte FXSR area.
    static let size = 624
    static let statusOffset = 108, magicOffset = 110
    /// `_fxsr_env`: where the fxsave image starts.
    static let fxsaveOffset = 112
    static let fnsaveSize = 108, fxsaveSize = 512
    /// `magic`: 0xffff "regular FPU data only" (fnsave), 0x0000 X86_FXSR_MAGIC.
    static let magicFNSAVE: UInt16 = 0xffff, magicFXSR: UInt16 = 0x0000

    /// Whether the kernel keeps the FPU in the FXSR format on this CPU (cpu_has_fxsr).
    static func usesFXSR(_ model: CPUModel) -> Bool { model.features & CPUModel.Feature.fxsr != 0 }

    /// save_i387: the 624 bytes for a frame.
    static func save(_ fpu: FPUState, fxsr: Bool) -> [UInt8] {
        var b = GuestLayout.Builder(size: size)
        b.raw(0, fpu.fnsaveImage)
        b.u16(statusOffset, fpu.statusWord)
        if fxsr {
            // convert_fxsr_to_user copies the image's FOS dword, whose upper half the
            // fxsave image leaves 0 (fnsave would store 0xffff there).
            b.u32(24, UInt32(fpu.fds))
            b.u16(magicOffset, magicFXSR)
            b.raw(fxsaveOffset, fpu.fxsaveImage)   // as 2.6 keeps it in thread.i387.fxsave
        } else {
            b.u16(magicOffset, magicFNSAVE)
        }
        return b.bytes
    }

    /// restore_i387 from the frame's `_fpstate` bytes (all 624, which sigreturn checks
    /// it can read). The FXSR image would bring back MXCSR and the XMM registers; the
    /// models have none, and everything x87 comes from the fnsave part in both formats.
    static func restore(_ bytes: [UInt8], into fpu: inout FPUState) {
        fpu.load(fnsaveImage: Array(bytes.prefix(fnsaveSize)))
    }
}
