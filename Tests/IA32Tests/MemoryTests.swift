import Testing
@testable import IA32

/// Guest memory: the permission byte per page, exact page faults, the kernel half, and
/// self-modifying code through the block cache.
struct MemoryTests {
    @Test func userCannotTouchKernelPages() {
        let m = TestMachine()
        m.memory.map(0xc000_0000, length: 0x1000, permission: PagePermission.kernelWrite)
        // mov 0xc0000010,%eax
        let stop = m.run([0xa1, 0x10, 0, 0, 0xc0])
        #expect(stop == .exception(PendingFault(vector: 14, errorCode: 5, address: 0xc000_0010)))
        // jmp to the kernel page: the fetch faults (present, user).
        let jump = m.run([0xb8, 0, 0, 0, 0xc0, 0xff, 0xe0])
        #expect(jump == .exception(PendingFault(vector: 14, errorCode: 5, address: 0xc000_0000)))
        #expect(m.cpu.eip == 0xc000_0000)
    }

    @Test func kernelReachesKernelPages() {
        let m = TestMachine()
        m.memory.map(0xc000_0000, length: 0x1000, permission: PagePermission.kernelWrite)
        m.memory.store32(0xc000_0010, 42)
        m.cpu.cpl = 0
        let stop = m.run([0xa1, 0x10, 0, 0, 0xc0])
        #expect(stop == .softwareInterrupt(0x80))
        #expect(m[.eax] == 42)
    }

    @Test func writesToReadOnlyPagesFault() {
        let m = TestMachine()
        m.memory.protect(TestMachine.data, length: 0x1000, permission: PagePermission.userRead)
        // mov %eax,(data+8)
        let stop = m.run([0xa3] + m.bytes(TestMachine.data + 8))
        #expect(stop == .exception(PendingFault(vector: 14, errorCode: 7, address: TestMachine.data + 8)))
    }

    @Test func straddlingAccessChecksBothPages() {
        let m = TestMachine()
        m.memory.unmap(TestMachine.data + 0x1000, length: 0x1000)
        m.memory.store32(TestMachine.data + 0xffc, 0x0403_0201)
        // mov (data+0xffe),%eax: two bytes in a mapped page, two in an unmapped one.
        let stop = m.run([0xa1] + m.bytes(TestMachine.data + 0xffe))
        #expect(stop == .exception(PendingFault(vector: 14, errorCode: 4, address: TestMachine.data + 0x1000)))
        // mov (data+0xffc),%eax stays inside and works.
        m.run([0xa1] + m.bytes(TestMachine.data + 0xffc))
        #expect(m[.eax] == 0x0403_0201)
    }

    /// `copyCString` copies a string with its NUL, across pages, and refuses one that
    /// runs into a page the guest may not read or that does not fit.
    @Test func copyCStringCopiesWhatFitsAndIsReadable() {
        let m = TestMachine()
        let end = TestMachine.data + 0x10000   // the first unmapped page
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
        defer { buf.deallocate() }
        m.memory.poke(TestMachine.data + 0x0ffd, Array("abcde".utf8) + [0])   // across a page boundary
        #expect(m.memory.copyCString(TestMachine.data + 0x0ffd, into: buf) == 5)
        #expect(Array(buf.prefix(6)) == Array("abcde".utf8) + [0])
        m.memory.poke(TestMachine.data + 0x20, Array("12345678".utf8) + [0])
        #expect(m.memory.copyCString(TestMachine.data + 0x20, into: buf) == nil)        // no room for the NUL
        #expect(m.memory.copyCString(TestMachine.data + 0x21, into: buf) == 7)
        m.memory.poke(end - 3, Array("xyz".utf8))
        #expect(m.memory.copyCString(end - 3, into: buf) == nil)                         // runs off the mapping
        #expect(m.memory.copyCString(end, into: buf) == nil)
        #expect(m.memory.copyCString(0xffff_fffe, into: buf) == nil)
    }

    @Test func selfModifyingCodeRunsTheNewBytes() {
        let m = TestMachine()
        m.memory.protect(TestMachine.code, length: 0x2000, permission: PagePermission.userWrite | PagePermission.exec)
        // Run a loop twice; between the runs, rewrite its `add $1,%eax` into `add $5,%eax`
        // from guest code. The block holding the add must be re-decoded.
        let addImmediate = TestMachine.code + 0x40 + 2
        var program = [UInt8](repeating: 0x90, count: 0x40)
        // at 0: mov $3,%ecx; call 0x40; movb $5,(addImmediate); mov $3,%ecx; call 0x40
        program.replaceSubrange(0..<5, with: [0xb9, 3, 0, 0, 0])
        program.replaceSubrange(5..<10, with: [0xe8] + m.bytes(0x40 - 10))
        program.replaceSubrange(10..<17, with: [0xc6, 0x05] + m.bytes(addImmediate) + [5])
        program.replaceSubrange(17..<22, with: [0xb9, 3, 0, 0, 0])
        program.replaceSubrange(22..<27, with: [0xe8] + m.bytes(0x40 - 27))
        program.replaceSubrange(27..<29, with: [0xcd, 0x80])
        // at 0x40: add $1,%eax; loop 0x40; ret
        program += [0x83, 0xc0, 0x01, 0xe2, 0xfb, 0xc3]
        m[.eax] = 0
        m.memory.poke(TestMachine.code, program)
        m.cpu.eip = TestMachine.code
        let stop = m.cpu.run(budget: 10_000)
        #expect(stop == .softwareInterrupt(0x80))
        #expect(m[.eax] == 3 + 15)
    }

    @Test func writesToEitherPageOfAStraddlingBlockInvalidateIt() {
        let m = TestMachine()
        // mov $1,%eax ends just before the page boundary; mov $2,%ebx straddles it, so
        // the block is on both pages' lists; int $0x80 starts a block on the second.
        let start = TestMachine.code + 0xff9
        m.memory.poke(start, [0xb8, 1, 0, 0, 0, 0xbb, 2, 0, 0, 0, 0xcd, 0x80])
        func run() -> (UInt32, UInt32) {
            m.cpu.eip = start
            _ = m.cpu.run()
            return (m[.eax], m[.ebx])
        }
        #expect(run() == (1, 2))
        m.memory.write(TestMachine.code + 0x1001, [0x30], need: PagePermission.read)   // second page
        #expect(run() == (1, 0x0030_0002))
        m.memory.write(start + 1, [9], need: PagePermission.read)                       // first page
        #expect(run() == (9, 0x0030_0002))
        // The second page's list now runs through the block the first write dropped.
        m.memory.write(TestMachine.code + 0x1002, [0x40], need: PagePermission.read)
        #expect(run() == (9, 0x4030_0002))
        m.cpu.blocks.flush()
        #expect(run() == (9, 0x4030_0002))
        m.memory.write(start + 1, [4], need: PagePermission.read)
        #expect(run() == (4, 0x4030_0002))
    }

    @Test func hostWritesInvalidateDecodedCode() {
        let m = TestMachine()
        m.memory.poke(TestMachine.code, [0xb8, 1, 0, 0, 0, 0xcd, 0x80])   // mov $1,%eax
        m.cpu.eip = TestMachine.code
        _ = m.cpu.run()
        #expect(m[.eax] == 1)
        m.memory.write(TestMachine.code + 1, [7], need: PagePermission.read)   // as a syscall's read(2) would
        m.cpu.eip = TestMachine.code
        _ = m.cpu.run()
        #expect(m[.eax] == 7)
    }
}

/// Instructions that only read their r/m operand work on read-only pages.
struct ReadOnlyOperandTests {
    @Test(arguments: [
        [UInt8]([0x80, 0x3d]) + [0, 0, 0, 0x20] + [0x2a],   // cmpb $0x2a,(data)
        [0x83, 0x3d, 0, 0, 0, 0x20, 0x01],                  // cmpl $1,(data)
        [0x39, 0x05, 0, 0, 0, 0x20],                        // cmp %eax,(data)
        [0x3b, 0x05, 0, 0, 0, 0x20],                        // cmp (data),%eax
        [0x85, 0x05, 0, 0, 0, 0x20],                        // test %eax,(data)
        [0xf7, 0x05, 0, 0, 0, 0x20, 1, 0, 0, 0],            // testl $1,(data)
        [0x0f, 0xa3, 0x05, 0, 0, 0, 0x20],                  // bt %eax,(data)
        [0x0f, 0xba, 0x25, 0, 0, 0, 0x20, 3],               // btl $3,(data)
        [0x0f, 0x4f, 0x05, 0, 0, 0, 0x20],                  // cmovg (data),%eax
    ])
    func readOnlyOperand(_ bytes: [UInt8]) {
        let m = TestMachine()
        m.memory.protect(TestMachine.data, length: 0x1000, permission: PagePermission.userRead)
        m[.eax] = 0
        #expect(m.run(bytes) == .softwareInterrupt(0x80))
    }
}
