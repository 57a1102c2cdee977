import CarbonCore
print(try Quantity(value: "1", unit: "MWh").converted(to: .gigajoule))
