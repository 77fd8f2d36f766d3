import IA32

/// The auxiliary vector entry types (include/linux/auxvec.h, asm-i386/elf.h).
public enum AuxType: UInt32, CaseIterable, Sendable {
    case null = 0, ignore = 1, execfd = 2, phdr = 3, phent = 4, phnum = 5, pagesz = 6, base = 7
    case flags = 8, entry = 9, notelf = 10, uid = 11, euid = 12, gid = 13, egid = 14, platform = 15
    case hwcap = 16, clktck = 17, secure = 23, basePlatform = 24, random = 25, hwcap2 = 26
    case execfn = 31, sysinfo = 32, sysinfoEHDR = 33

    /// The name LD_SHOW_AUXV prints.
    public var name: String {
        switch self {
        case .null: return "AT_NULL"
        case .ignore: return "AT_IGNORE"
        case .execfd: return "AT_EXECFD"
        case .phdr: return "AT_PHDR"
        case .phent: return "AT_PHENT"
        case .phnum: return "AT_PHNUM"
        case .pagesz: return "AT_PAGESZ"
        case .base: return "AT_BASE"
        case .flags: return "AT_FLAGS"
        case .entry: return "AT_ENTRY"
        case .notelf: return "AT_NOTELF"
        case .uid: return "AT_UID"
        case .euid: return "AT_EUID"
        case .gid: return "AT_GID"
        case .egid: return "AT_EGID"
        case .platform: return "AT_PLATFORM"
        case .hwcap: return "AT_HWCAP"
        case .clktck: return "AT_CLKTCK"
        case .secure: return "AT_SECURE"
        case .basePlatform: return "AT_BASE_PLATFORM"
        case .random: return "AT_RANDOM"
        case .hwcap2: return "AT_HWCAP2"
        case .execfn: return "AT_EXECFN"
        case .sysinfo: return "AT_SYSINFO"
        case .sysinfoEHDR: return "AT_SYSINFO_EHDR"
        }
    }
}

/// The new program's stack as `create_elf_tables` (fs/binfmt_elf.c) lays it out: the
/// strings at the top (execfn, environment, arguments), the platform string, 16 random
/// bytes, then — 16-byte aligned — argc, argv[], NULL, envp[], NULL, and the auxiliary
/// vector, ending with AT_NULL.
public struct InitialStack {
    public struct Result {
        /// ESP at the entry point: it points at argc.
        public var stackPointer: UInt32
        public var auxv: [(AuxType, UInt32)]
    }

    /// Writes the stack below `top`. `auxv` omits AT_RANDOM, AT_EXECFN and AT_PLATFORM,
    /// whose values this function supplies (they point into the stack).
    public static func build(memory: GuestMemory, top: UInt32, arguments: [String], environment: [String],
                             executable: String, auxv: [(AuxType, UInt32)], platform: String = "i686",
                             random: [UInt8]) -> Result {
        var sp = top
        // Strings and words go straight from their storage into guest memory: an array
        // per string and per word, and the generic copy, cost 64,000 host instructions at
        // every start.
        func pushString(_ s: String) -> UInt32 {
            var s = s
            return s.withUTF8 { utf8 in
                sp -= UInt32(utf8.count + 1)
                memory.poke(sp, UnsafeRawBufferPointer(utf8))
                withUnsafeBytes(of: UInt8(0)) { memory.poke(sp &+ UInt32(utf8.count), $0) }
                return sp
            }
        }
        sp -= 4   // the kernel leaves a NULL word at the very top
        memory.poke(sp, [0, 0, 0, 0])
        let execfn = pushString(executable)
        let envp = environment.reversed().map(pushString).reversed() as [UInt32]
        let argv = arguments.reversed().map(pushString).reversed() as [UInt32]
        let platformAddress = pushString(platform)
        sp &= ~0xf
        sp -= 16
        memory.poke(sp, random.prefix(16))
        let randomAddress = sp

        var vector = auxv
        vector.append((.random, randomAddress))
        vector.append((.execfn, execfn))
        vector.append((.platform, platformAddress))
        vector.append((.null, 0))

        let words = 1 + argv.count + 1 + envp.count + 1 + vector.count * 2
        sp -= UInt32(words * 4)
        sp &= ~0xf
        var w: [UInt32] = []
        w.reserveCapacity(words)
        w.append(UInt32(argv.count))
        w.append(contentsOf: argv)
        w.append(0)
        w.append(contentsOf: envp)
        w.append(0)
        for (k, v) in vector { w.append(k.rawValue); w.append(v) }
        for k in w.indices { w[k] = w[k].littleEndian }
        w.withUnsafeBytes { memory.poke(sp, $0) }
        return Result(stackPointer: sp, auxv: vector)
    }
}
