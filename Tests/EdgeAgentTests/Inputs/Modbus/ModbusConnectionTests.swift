import Foundation
import Testing
@testable import EdgeAgent

/// The real libmodbus client against the pymodbus simulator on loopback.
@Suite(.serialized) struct ModbusConnectionTests {
    @Test func readsHoldingAndInputRegisters() async throws {
        let device = try SimulatedModbusDevice(registers: [0: [0x42F6, 0xE979, 7, 65535]])
        let connection = try ModbusConnection(endpoint: .tcp(host: "127.0.0.1", port: device.port))
        #expect(try await connection.read(.holdingRegisters, unit: 1, address: 0, count: 4) == .registers([0x42F6, 0xE979, 7, 65535]))
        #expect(try await connection.read(.inputRegisters, unit: 1, address: 2, count: 2) == .registers([7, 65535]))
    }

    @Test func illegalAddressIsClassifiedAndTheLinkStaysUp() async throws {
        let device = try SimulatedModbusDevice(registers: [0: [1, 2, 3]])
        let connection = try ModbusConnection(endpoint: .tcp(host: "127.0.0.1", port: device.port))
        let error = await #expect(throws: ModbusError.self) {
            try await connection.read(.holdingRegisters, unit: 1, address: 0, count: 10)
        }
        #expect(error?.code == .illegalAddress)
        #expect(try await connection.read(.holdingRegisters, unit: 1, address: 1, count: 2) == .registers([2, 3]))
    }

    @Test func deadEndpointFailsFastAndRecoversWhenTheDeviceComesBack() async throws {
        let port = try SimulatedModbusDevice.freePort()
        let connection = try ModbusConnection(endpoint: .tcp(host: "127.0.0.1", port: port), responseTimeout: .milliseconds(300))
        let error = await #expect(throws: ModbusError.self) {
            try await connection.read(.holdingRegisters, unit: 1, address: 0, count: 1)
        }
        #expect(error?.code == .connectFailed)
        let device = try SimulatedModbusDevice(registers: [0: [42]])
        let revived = try ModbusConnection(endpoint: .tcp(host: "127.0.0.1", port: device.port))
        #expect(try await revived.read(.holdingRegisters, unit: 1, address: 0, count: 1) == .registers([42]))
    }

    @Test func requestsBeyondProtocolLimitsAreRefusedBeforeSending() async throws {
        let connection = try ModbusConnection(endpoint: .tcp(host: "127.0.0.1", port: 1))
        let error = await #expect(throws: ModbusError.self) {
            try await connection.read(.holdingRegisters, unit: 1, address: 0, count: 126)
        }
        #expect(error?.code == .invalidRequest)
    }
}
