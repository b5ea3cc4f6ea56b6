"""Under torch.no_grad() nothing is recorded: the result needs no gradient."""
import torch

w = torch.tensor([[0.5, -1.0], [2.0, 0.25]], requires_grad=True)
x = torch.tensor([[1.0, 2.0]])
with torch.no_grad():
    preview = x @ w
out = (x @ w).relu().sum()
out.backward()
print(preview, w.grad)
