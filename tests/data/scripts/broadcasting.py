"""Broadcasting: a row plus a column; the gradient of the smaller operand sums over the broadcast dim."""
import torch

row = torch.tensor([[1.0, 2.0, 3.0]], requires_grad=True)
col = torch.tensor([[10.0], [20.0]], requires_grad=True)
grid = row + col
weighted = grid * torch.tensor([[1.0, 0.5, 0.25], [2.0, 1.0, 0.5]])
total = weighted.sum()
total.backward()
print(row.grad, col.grad)
