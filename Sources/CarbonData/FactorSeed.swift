public enum CarbonDataPlaceholder {}
